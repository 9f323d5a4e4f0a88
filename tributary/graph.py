"""Loops in parent -> child graphs (bills of materials, kits)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable


def strongly_connected(edges: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Tarjan's strongly connected components, iterative (BOMs can be deep)."""
    graph: dict[Hashable, list[Hashable]] = {}
    for parent, child in edges:
        graph.setdefault(parent, []).append(child)
        graph.setdefault(child, [])
    index: dict[Hashable, int] = {}
    low: dict[Hashable, int] = {}
    on_stack: set[Hashable] = set()
    stack: list[Hashable] = []
    components: list[list[Hashable]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def loop_edges(edges: list[tuple[Hashable, Hashable]]) -> dict[tuple[Hashable, Hashable], str]:
    """Edges that lie on a loop, each mapped to the loop's members ("A -> B -> A")."""
    component_of: dict[Hashable, int] = {}
    components = strongly_connected(edges)
    for number, component in enumerate(components):
        for node in component:
            component_of[node] = number
    names: dict[int, str] = {}
    loops: dict[tuple[Hashable, Hashable], str] = {}
    for parent, child in edges:
        number = component_of[parent]
        same = number == component_of[child]
        if parent == child or (same and len(components[number]) > 1):
            if number not in names:
                members = sorted(map(str, components[number]))
                names[number] = (
                    " -> ".join([*members, members[0]])
                    if len(members) <= 2
                    else "loop among " + ", ".join(members)
                )
            loops[(parent, child)] = names[number]
    return loops
