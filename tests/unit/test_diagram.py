"""The loop as a diagram (`lab.plots.diagram`), walked through one iteration of the trainer's own
loop with k = 2: 3k + 1 = 7 sub-steps, each lighting the parts it uses."""

import torch

from lab.gan.playground import toy_gan
from lab.gan.slow_motion import SlowIteration
from lab.gan.trainer import GANConfig
from lab.plots.diagram import EDGES, NODES, diagram_frames, loop_diagram


def test_one_iteration_with_k_2_lights_each_sub_steps_parts_in_the_slides_order():
    trainer = toy_gan(GANConfig(k=2, batch_size=32, width=16, depth=1), torch.device("cpu"))
    iteration = SlowIteration(trainer)
    seen, updated = set(), []
    while not iteration.done:
        sub = iteration.next()
        nodes, edges = diagram_frames(sub.title, {})
        lit = set(nodes.loc[nodes["lit"] == "yes", "part"])
        seen |= lit
        updated += list(nodes.loc[nodes["updated"], "part"])
        # an edge is lit exactly where both its ends are: the path the sub-step's tensors take
        ends = [(a in lit and b in lit) for a, b in EDGES]
        assert list(edges["lit"] == "yes") == ends
        if sub.d_loss is not None:  # D's update: D's objective needs x, G(z), D and both outputs
            assert {"x ~ p_data", "G(z)", "D", "D(x)", "D(G(z))", "D's loss"} == lit
        if sub.moved is not None:  # G's update: fresh z through G and D into G's loss; x not used
            assert "x ~ p_data" not in lit and {"z ~ p_z", "G", "D", "G's loss"} <= lit
    assert iteration.position == 7 and trainer.step_count == 1
    assert updated == ["D", "D", "G"]  # k = 2 updates of D, then one of G
    assert seen == set(NODES)


def test_the_diagram_carries_its_numbers_and_names_the_generators_loss():
    spec = loop_diagram(None, {"D's loss": "1.386 → 1.370"}, "(2) −log D(G(z))")
    numbers = spec["datasets"]["nodes"].set_index("part")["number"]
    assert numbers["G's loss"] == "(2) −log D(G(z))" and numbers["D's loss"] == "1.386 → 1.370"
    assert (spec["datasets"]["nodes"]["lit"] == "no").all()  # no sub-step: nothing lit
