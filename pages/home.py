"""Home: what each lesson shows and which slide it illustrates."""

from pathlib import Path

import streamlit as st

from lab.ui.page import run_through_app

run_through_app()
st.title("GAN · VAE Lab")
words, picture = st.columns([3, 2])
words.markdown(
    """
Train small GANs and VAEs **live** and watch the results of the lecture
*GAN, VAE and Semi-Supervised Learning, Part I* (Shell Xu Hu, 2018) happen on screen.

Every page trains on this machine's CPU (or GPU when there is one). Open a lesson from the menu,
press **Play** in its sidebar, and move any slider while it trains. The **scenarios** under the
run's buttons set up one of the lecture's claims in one click and ask you to predict first.
"""
)
words.page_link(
    "pages/gan_playground.py", label="Start with the GAN playground", icon=":material/arrow_forward:"
)
picture.image(
    str(Path(__file__).resolve().parents[1] / "docs" / "home_ring.png"),
    caption="The GAN playground after 1,766 steps: G's samples (magenta) on the eight modes of p_data (blue), "
    "each pulled along the generator's gradient (arrows), over D(x).",
    width="stretch",
    alt="The GAN playground: generated samples on the eight modes of a ring, with arrows and D(x) behind them",
)
st.markdown(
    r"""
| Lesson | What you see | Slide |
|---|---|---|
| **Density estimation** | the lecture's first slide, max E log p_θ(x), three ways on the same 2-D data: a Gaussian mixture by maximum likelihood, a GAN (samples only) and a VAE (density by quadrature); held-out log-likelihoods, forward KL, reverse KL and JSD to p_data: mode covering against mode seeking | *Density estimation* |
| **GAN playground** | a GAN learning a 2-D distribution: samples over the discriminator's D(x), the generator's gradients, losses, modes covered and JSD | *GAN Objective*, *Actual Training Process* (k D-steps per G-step) |
| **Optimal discriminator D\*** | D trained against a fixed p_G converging onto D\* = p_data/(p_data + p_G); V(D, G) rising to its ceiling −log 4 + 2·JSD; D against D\* for a learned 2-D generator | *Proposition* and *Given D\*(G)* (V = −log 4 + D_JSD, where D_JSD = 2·JSD) |
| **Figure 1, learned (1-D)** | Goodfellow et al.'s Figure 1 with a learned generator: z carried to G(z), p_data, p_G and D, from a poor D to D = ½; the idealised loop against k = 1, loss (1) against (2); p_G far from p_data, where JSD sits at log 2 and loss (1)'s gradient vanishes | *GAN Objective*, *Actual Training Process* |
| **Saturation** | the generator losses (1), (2), (3) and their gradients against D(G(z)); three GANs, one per loss, from the same start: under a strong D (SGD) the gradient of (1) collapses; loss (3) with D\* equals −KL(p_G ‖ p_data) | *Actual Training Process*: the issue, (1) → (2), and the alternative (3) |
| **VAE latent space** | a VAE trained live on MNIST or 2-D data: the ELBO and its two terms, train and held out; the latent space with q(z\|x) ellipses and the prior; decoded manifold, reconstructions, samples, interpolation; σ and β trading reconstruction against KL | *VAE Objective* and its Gaussian example |
| **Semi-supervised learning** | the title's third part: a few labels and many unlabelled examples; the GAN way (a discriminator with K + 1 outputs, Salimans et al. 2016) and the VAE way (M2, Kingma et al. 2014; M1 + M2 on MNIST), each beside the same networks trained on the labels alone: decision boundaries on two moons, accuracy on MNIST, M2's style/class split | *GAN, VAE and **Semi-Supervised Learning*** (the title) |
| **GAN on MNIST** | the same loop making digits at fixed noise; D(x) on real and generated digits; which digits appear; Fréchet distance, an MNIST Inception Score and confidence from a digit classifier; a latent walk | *Actual Training Process* on real data |

"""
)
st.page_link("pages/density_estimation.py", label="Open density estimation", icon=":material/arrow_forward:")
st.page_link("pages/gan_playground.py", label="Open the GAN playground", icon=":material/arrow_forward:")
st.page_link(
    "pages/optimal_d.py", label="Open the optimal discriminator lesson", icon=":material/arrow_forward:"
)
st.page_link("pages/figure1.py", label="Open Figure 1, learned", icon=":material/arrow_forward:")
st.page_link("pages/saturation.py", label="Open the saturation lesson", icon=":material/arrow_forward:")
st.page_link("pages/vae_latent.py", label="Open the VAE lesson", icon=":material/arrow_forward:")
st.page_link("pages/mnist_gan.py", label="Open the MNIST GAN lesson", icon=":material/arrow_forward:")
st.page_link(
    "pages/semi_supervised.py", label="Open the semi-supervised lesson", icon=":material/arrow_forward:"
)
