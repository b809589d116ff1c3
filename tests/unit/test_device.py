"""lab.device: the module torch.optim imports for its first optimizer is imported ahead, once."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_first_optimizer_finds_torch_dynamo_imported_by_the_thread_started_once():
    """In a process of its own (this one has made optimizers already)."""
    script = textwrap.dedent(
        """
        import sys
        import torch
        from lab import device
        assert "torch._dynamo" not in sys.modules  # torch alone does not import it
        thread = device.import_the_compiler_in_background()
        assert device.import_the_compiler_in_background() is thread  # once per process
        thread.join()
        assert "torch._dynamo" in sys.modules
        before = set(sys.modules)
        torch.optim.Adam(torch.nn.Linear(2, 2).parameters()).step()
        assert not [name for name in set(sys.modules) - before if name.startswith("torch._dynamo")]
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
