"""A run as a script to take home: the 2-D GAN, or a VAE with MLP networks, written out as one
standalone Python file, with only torch imported, the run's data, networks, optimizers and the
lecture's loop in plain code, and a weights file (`torch.load(weights_only=True)`) so that the script
goes on from the run's step and gives, on the CPU, the very numbers the lab would have (it is the
lab's loop, written out). `# %%` cells: Jupyter and VS Code open it as a notebook."""

from __future__ import annotations

import io

import torch

from lab.data import toy
from lab.gan.trainer import ANNEAL_STEPS, FADE_FLOOR, FADE_STEPS, R1_EVERY, UNIFORM_REACH, GANTrainer
from lab.vae.trainer import LR_FLOOR, VAETrainer

GENERATOR_LOSSES = {
    "minimax": ("-F.softplus(fake_logits).mean()", "(1) min log(1 - D(G(z)))"),
    "non_saturating": ("F.softplus(-fake_logits).mean()", "(2) max log D(G(z))"),
    "log_ratio": ("-fake_logits.mean()", "(3) max log D/(1 - D)"),
}
"""Each generator loss in the script's code, and as the lecture writes it."""

TEMPLATE = '''"""A GAN run exported from GAN · VAE Lab at step {step}: {data}, loss {loss}, k = {k}.

Run it (python {name}.py [steps]) or open it as a notebook (the # %% cells). It loads the run's
networks, optimizers and random states from {name}.pt and goes on with the lecture's loop; on the
CPU its losses are, step for step, those the lab's run would have had.
"""

# %% Settings: the run's, as the lab had them
{itertools}import sys

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)  # as the lab trains: one thread, the same sums in the same order
K, M, NOISE_DIM, NOISE_PRIOR = {k}, {m}, {noise_dim}, {noise_prior!r}
INSTANCE_NOISE, R1, G_AVERAGE = {instance_noise!r}, {r1!r}, {g_average!r}
LR_D, LR_G, LR_FALL_FROM = {lr_d!r}, {lr_g!r}, {lr_fall_from!r}
WIDTH, DEPTH = {width}, {depth}

{data_section}


def sample_noise(n: int, generator: torch.Generator) -> torch.Tensor:
    """z ~ p_z: N(0, I), or uniform on [-sqrt 3, sqrt 3]^d (mean 0, variance 1)."""
    if NOISE_PRIOR == "uniform":
        return (2.0 * torch.rand(n, NOISE_DIM, generator=generator) - 1.0) * {uniform_reach!r}
    return torch.randn(n, NOISE_DIM, generator=generator)


{nets_section}


def optimizer(net: nn.Module, lr: float) -> torch.optim.Optimizer:
    """{optimizer_words}, with the fused kernels where the machine has them (as the lab)."""
    try:
        return {optimizer}fused=True)
    except RuntimeError:
        return {optimizer}foreach=True)


# %% The run so far: networks, optimizers and random states at step {step}
run = torch.load("{name}.pt", weights_only=True)
G.load_state_dict(run["G"])
D.load_state_dict(run["D"])
G_average = make_g().requires_grad_(False)
if G_AVERAGE:
    G_average.load_state_dict(run["G_average"])
opt_d, opt_g = optimizer(D, LR_D), optimizer(G, LR_G)
opt_d.load_state_dict(run["opt_d"])
opt_g.load_state_dict(run["opt_g"])
rng = torch.Generator()  # minibatches of data and noise
rng.set_state(run["rng"])
blur_rng = torch.Generator()  # instance noise
blur_rng.set_state(run["blur_rng"])
step = run["step"]


def fading(start: float) -> float:
    """start, falling linearly to a tenth of it, then held: instance noise and R1's weight."""
    return start * max({floor!r}, 1.0 - step / {noise_steps!r})


def blurred(x: torch.Tensor) -> torch.Tensor:
    """x plus instance noise N(0, s^2 I), s = fading(INSTANCE_NOISE)."""
    if not INSTANCE_NOISE:
        return x
    return x + fading(INSTANCE_NOISE) * torch.randn(x.shape, generator=blur_rng)


def annealed() -> float:
    """The learning rates' factor: 1 until step LR_FALL_FROM (0: never falls), then falling
    linearly to a tenth over {anneal_steps} steps, then held."""
    if not LR_FALL_FROM:
        return 1.0
    return max({floor!r}, 1.0 - (1.0 - {floor!r}) * max(0, step - LR_FALL_FROM) / {anneal_steps!r})


# %% The lecture's loop ("Actual Training Process"): k steps of D, then one of G
def iteration() -> tuple[float, float]:
    global step
    if LR_FALL_FROM:  # both learning rates annealed
        for opt, lr in ((opt_d, LR_D), (opt_g, LR_G)):
            for group in opt.param_groups:
                group["lr"] = lr * annealed()
    real = sample_data(K * M, rng).view(K, M, -1)
    noise = sample_noise((K + 1) * M, rng).view(K + 1, M, -1)
    for j in range(K):
        # ---- (1) D ascends 1/m sum [log D(x) + log(1 - D(G(z)))]: it descends its negative ----
        with torch.no_grad():
            fake = G(noise[j])
        lazy = R1 > 0 and step % {r1_every} == 0  # R1 every {r1_every}th step, {r1_every} times as heavy
        x = blurred(torch.cat([real[j], fake])).requires_grad_(lazy)
        logits = D(x)
        real_logits, fake_logits = logits[:M], logits[M:]
        d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
        r1 = 0.0
        if lazy:  # R1: + gamma/2 * 1/m sum ||grad_x logit D(x)||^2 over the real x
            (slope,) = torch.autograd.grad(real_logits.sum(), x, create_graph=True)
            r1 = {r1_every} * fading(R1) / 2 * slope[:M].square().sum(dim=1).mean()
        opt_d.zero_grad(set_to_none=True)
        (d_loss + r1).backward()
        opt_d.step()
    # ---- (2) G descends its loss {loss_words}, D held fixed ----
    g_params = list(G.parameters())
    fake_logits = D(blurred(G(noise[K])))
    g_loss = {g_loss}
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward(inputs=g_params)
    opt_g.step()
    if G_AVERAGE:  # theta_avg <- beta theta_avg + (1 - beta) theta_G
        with torch.no_grad():
            for average, p in zip(G_average.parameters(), G.parameters()):
                average.lerp_(p, 1.0 - G_AVERAGE)
    step += 1
    return d_loss.item(), g_loss.item()


# %% Go on: print each step's losses (D's last, G's)
if __name__ == "__main__":
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 100):
        d, g = iteration()
        print(f"step {{step}}: D loss {{d!r}}, G loss {{g!r}}")
'''


MIXTURE = """# %% p_data: a mixture of Gaussians (the lab's "{data_name}")
MEANS = torch.tensor({means}, dtype=torch.float32)
STDS = torch.tensor({stds}, dtype=torch.float32)
WEIGHTS = torch.tensor({weights}, dtype=torch.float64)


def sample_data(n: int, generator: torch.Generator) -> torch.Tensor:
    component = torch.multinomial(WEIGHTS, n, replacement=True, generator=generator)
    noise = torch.randn(n, MEANS.shape[1], generator=generator)
    return MEANS[component] + STDS[component, None] * noise"""

IMAGES = """# %% p_data: the training digits, scaled to [-1, 1] (in the weights file: {source})
IMAGES = torch.load("{name}.pt", weights_only=True)["images"]


def sample_data(n: int, generator: torch.Generator) -> torch.Tensor:
    return IMAGES[torch.randint(len(IMAGES), (n,), generator=generator)]"""

MLPS = """# %% The networks: MLPs with ReLU, each layer's weight an (in, out) matrix
class MLP(nn.Module):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        self.weights = nn.ParameterList(nn.Parameter(torch.zeros(a, b)) for a, b in itertools.pairwise(sizes))
        self.biases = nn.ParameterList(nn.Parameter(torch.zeros(b)) for b in sizes[1:])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        *hidden, last = zip(self.weights, self.biases)
        for w, b in hidden:
            x = torch.relu(torch.addmm(b, x, w))
        return torch.addmm(last[1], x, last[0])


def make_g() -> nn.Module:
    return {make_g}


G, D = make_g(), {make_d}"""

DCGAN = '''# %% The networks: a small DCGAN for 28x28
def make_g() -> nn.Module:
    """z -> 64x7x7 -> 32x14x14 -> 1x28x28 in [-1, 1], with batch norm."""
    return nn.Sequential(
        nn.Linear(NOISE_DIM, 64 * 7 * 7), nn.BatchNorm1d(64 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh(), nn.Flatten(),
    )


def make_d() -> nn.Module:
    """The mirror image, with leaky ReLUs: 28x28 -> 32x14x14 -> 64x7x7 -> a logit."""
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(32, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1),
    )


G, D = make_g(), make_d()'''


def gan_script(trainer: GANTrainer, name: str) -> tuple[str, bytes]:
    """The text of `<name>.py` and the bytes of `<name>.pt` for a GAN run of one model: a 2-D one
    (MLPs on a mixture of Gaussians: the playground's, the D* lesson's) or the MNIST GAN (its small
    DCGAN or MLP pair; the training digits go in the weights file)."""
    config = trainer.config
    mnist = config.data == "mnist"
    dcgan = getattr(config, "architecture", "mlp") == "dcgan"
    dim = 784 if mnist else 2
    if mnist:
        data_section = IMAGES.format(name=name, source=trainer.p_data.data.source)
        title = "MNIST digits"
    else:
        p_data = toy.get(config.data)
        data_section = MIXTURE.format(
            data_name=config.data,
            means=p_data.means.tolist(),
            stds=p_data.stds.tolist(),
            weights=p_data.weights.tolist(),
        )
        title = p_data.title
    if dcgan:
        nets_section = DCGAN
    else:
        g = f"MLP([NOISE_DIM] + [WIDTH] * DEPTH + [{dim}])"
        nets_section = MLPS.format(
            make_g=f"nn.Sequential({g}, nn.Tanh())" if mnist else g,
            make_d=f"MLP([{dim}] + [WIDTH] * DEPTH + [1])",
        )
    adam = "torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999), "
    sgd = "torch.optim.SGD(net.parameters(), lr=lr, "
    script = TEMPLATE.format(
        name=name,
        step=trainer.step_count,
        data=title,
        data_section=data_section,
        nets_section=nets_section,
        itertools="" if dcgan else "import itertools\n",
        loss=config.generator_loss,
        k=config.k,
        m=config.batch_size,
        noise_dim=config.noise_dim,
        noise_prior=config.noise_prior,
        instance_noise=config.instance_noise,
        r1=config.r1,
        r1_every=R1_EVERY,
        g_average=config.g_average,
        width=config.width,
        depth=config.depth,
        lr_d=config.lr_d,
        lr_g=config.lr_g,
        lr_fall_from=config.lr_fall_from,
        anneal_steps=ANNEAL_STEPS,
        uniform_reach=UNIFORM_REACH,
        floor=FADE_FLOOR,
        noise_steps=FADE_STEPS,
        optimizer=adam if config.optimizer == "adam" else sgd,
        optimizer_words="Adam (beta1 = 0.5, as in DCGAN)" if config.optimizer == "adam" else "Plain SGD",
        g_loss=GENERATOR_LOSSES[config.generator_loss][0],
        loss_words=GENERATOR_LOSSES[config.generator_loss][1],
    )
    state = trainer.state_dict()
    weights = {key: state[key] for key in ("G", "D", "opt_d", "opt_g", "rng", "blur_rng")}
    if "G_average" in state:
        weights["G_average"] = state["G_average"]
    if mnist:
        weights["images"] = trainer.p_data.images
    weights["step"] = trainer.step_count
    return script, _torch_file(weights)


VAE_TEMPLATE = '''"""A VAE run exported from GAN · VAE Lab at step {step}: {data}, decoder {likelihood}, z in R^{latent}.

Run it (python {name}.py [steps]) or open it as a notebook (the # %% cells). It loads the training
data, the networks, the optimizer and the random state from {name}.pt and goes on maximising the
ELBO; on the CPU its ELBO is, step for step, the one the lab's run would have had.
"""

# %% Settings: the run's, as the lab had them
import math
import sys

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)  # as the lab trains: one thread, the same sums in the same order
LATENT, WIDTH, DEPTH, BATCH_NORM = {latent}, {width}, {depth}, {batch_norm}
LIKELIHOOD, LEARN_SIGMA, BETA, M = {likelihood!r}, {learn_sigma}, {beta!r}, {m}
LR, DECAY_STEPS, LR_FLOOR = {lr!r}, {decay_steps}, {lr_floor!r}

# %% The run so far: its training data, networks, optimizer and random state at step {step}
run = torch.load("{name}.pt", weights_only=True)
train = run["train"]  # (n, features): {source}
BINARIZED = LIKELIHOOD == "bernoulli"  # each pixel drawn black or white afresh, its grey level the probability


def mlp(n_in: int, n_out: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    last = n_in
    for _ in range(DEPTH):
        layers += [nn.Linear(last, WIDTH), *([nn.BatchNorm1d(WIDTH)] if BATCH_NORM else []), nn.ReLU()]
        last = WIDTH
    return nn.Sequential(*layers, nn.Linear(last, n_out))


# %% The model: encoder q(z|x) = N(mu(x), diag exp(logvar(x))), prior N(0, I), decoder p(x|z)
class VAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder, self.decoder = mlp(train.shape[1], 2 * LATENT), mlp(LATENT, train.shape[1])
        if LEARN_SIGMA:
            self.log_sigma = nn.Parameter(torch.tensor(0.0))
        else:
            self.register_buffer("log_sigma", torch.tensor(0.0))


model = VAE()
model.load_state_dict(run["model"])
model.eval()
opt = torch.optim.Adam(model.parameters(), lr=LR)
opt.load_state_dict(run["opt"])
rng = torch.Generator()
rng.set_state(run["rng"])
step = run["step"]


def elbo(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ELBO, E_q log p(x|z), KL(q(z|x) || p(z))) per example, one draw of z each."""
    mu, logvar = model.encoder(x).chunk(2, dim=1)
    logvar = logvar.clamp(-12.0, 8.0)
    eps = torch.randn(mu.shape, generator=rng)
    out = model.decoder(mu + (0.5 * logvar).exp() * eps)  # z = mu + sigma eps: gradients flow through
    if LIKELIHOOD == "gaussian":
        sq = ((x - out) * torch.exp(-model.log_sigma)).pow(2)
        recon = -0.5 * (sq + 2 * model.log_sigma + math.log(2 * math.pi)).sum(dim=1)
    else:
        recon = (x * out - F.softplus(out)).sum(dim=1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
    return recon - kl, recon, kl


def lr_factor(t: int) -> float:
    """Linear warm-up over DECAY_STEPS / 10 steps, then a cosine decay to LR_FLOOR (1 if no decay)."""
    if DECAY_STEPS == 0:
        return 1.0
    warm_up = min(1.0, (t + 1) / max(1, DECAY_STEPS // 10))
    return warm_up * (LR_FLOOR + (1.0 - LR_FLOOR) * 0.5 * (1.0 + math.cos(math.pi * min(t / DECAY_STEPS, 1.0))))


# %% The loop: ascend the ELBO (beta weighs its KL), one minibatch a step
def train_step() -> float:
    global step
    for group in opt.param_groups:
        group["lr"] = LR * lr_factor(step)
    idx = torch.randint(len(train), (M,), generator=rng)
    x = train[idx]
    if BINARIZED:
        x = (torch.rand(x.shape, generator=rng) < x).to(x.dtype)
    model.train()
    total, recon, kl = elbo(x)
    loss = -(recon - BETA * kl).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    model.eval()
    step += 1
    return total.mean().item()


# %% Go on: print each step's ELBO (nats per example, beta = 1)
if __name__ == "__main__":
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 100):
        value = train_step()
        print(f"step {{step}}: ELBO {{value!r}}")
'''


def vae_script(trainer: VAETrainer, name: str) -> tuple[str, bytes]:
    """The text of `<name>.py` and the bytes of `<name>.pt` for a VAE run with MLP networks."""
    config = trainer.config
    if config.architecture != "mlp":
        raise ValueError("a script is written for the VAE with MLP networks")
    script = VAE_TEMPLATE.format(
        name=name,
        step=trainer.step_count,
        data="MNIST" if config.data == "mnist" else toy.get(config.data).title,
        source=trainer.source,
        latent=config.latent_dim,
        width=config.width,
        depth=config.depth,
        batch_norm=config.batch_norm,
        likelihood=config.likelihood,
        learn_sigma=config.learn_sigma,
        beta=config.beta,
        m=config.batch_size,
        lr=config.lr,
        decay_steps=config.lr_decay_steps,
        lr_floor=LR_FLOOR,
    )
    weights = {
        "train": trainer.train.cpu(),
        "model": trainer.model.state_dict(),
        "opt": trainer.opt.state_dict(),
        "rng": trainer.rng.get_state(),
        "step": trainer.step_count,
    }
    return script, _torch_file(weights)


def _torch_file(weights: dict) -> bytes:
    """The bytes of `torch.save(weights)`: the `.pt` file beside a script."""
    buffer = io.BytesIO()
    torch.save(weights, buffer)
    return buffer.getvalue()
