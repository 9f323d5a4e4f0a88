"""Loop detection in bills of materials and kits."""

from tributary.graph import loop_edges


def test_a_tree_has_no_loops():
    assert loop_edges([("F", "S"), ("S", "R1"), ("S", "R2"), ("F", "R1")]) == {}


def test_two_node_loop_is_named():
    assert loop_edges([("A", "B"), ("B", "A"), ("A", "C")]) == {
        ("A", "B"): "A -> B -> A",
        ("B", "A"): "A -> B -> A",
    }


def test_self_loop_is_a_loop():
    assert loop_edges([("A", "A")]) == {("A", "A"): "A -> A"}


def test_deep_chain_does_not_recurse():
    edges = [(i, i + 1) for i in range(20000)]
    assert loop_edges(edges) == {}
    assert len(loop_edges([*edges, (20000, 0)])) == 20001
