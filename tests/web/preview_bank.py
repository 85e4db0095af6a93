"""A small bank folder written for the preview's tests: one item of every kind, a figure file and a
generator family, each with feedback texts the tests look for."""

from __future__ import annotations

import textwrap
from pathlib import Path

BANK = """
id: preview-test
title: Preview test bank
domains:
  - id: basics
    title: Basics
    levels:
      beginning: Knows the words.
      developing: Does the sums.
      accomplished: Explains the sums.
skills:
  - id: basics-sums
    title: Sums
    domain: basics
"""

ITEMS = {
    "pv-single": """
        id: pv-single
        kind: single_choice
        domain: basics
        skills: [basics-sums]
        stem: Which colour do you get by mixing blue and yellow paint?
        options:
          - text: Green
            correct: true
            feedback: Green is what blue and yellow paint make together.
          - text: Purple
            correct: false
            feedback: Purple comes from mixing blue with red, not with yellow.
          - text: Orange
            correct: false
            feedback: Orange comes from mixing red with yellow, not with blue.
        explanation: Blue and yellow are the subtractive primaries whose mixture reflects green light.
        """,
    "pv-multiple": """
        id: pv-multiple
        kind: multiple_choice
        domain: basics
        skills: [basics-sums]
        stem: Which of these numbers are prime? Select all that apply.
        options:
          - text: "2"
            correct: true
            feedback: Two is the only even prime.
          - text: "9"
            correct: false
            feedback: Nine is three times three.
          - text: "11"
            correct: true
            feedback: Eleven has no divisor but one and itself.
        explanation: A prime has exactly two divisors, one and itself.
        """,
    "pv-numeric": """
        id: pv-numeric
        kind: numeric
        domain: basics
        skills: [basics-sums]
        stem: A train runs 120 km in 1.5 hours. What is its mean speed?
        answer: 80
        units: km/h
        tolerance: {absolute: 0.5}
        misconceptions:
          - value: 180
            feedback: You multiplied the distance by the time; speed is distance divided by time.
          - value: 0.0125
            feedback: You divided the time by the distance, which gives hours per kilometre.
        explanation: Mean speed is distance over time, 120 / 1.5 = 80 km/h.
        dont_know_feedback: Revise how speed, distance and time relate before the next try.
        """,
    "pv-short": """
        id: pv-short
        kind: short_text
        domain: basics
        skills: [basics-sums]
        stem: What is the chemical symbol of sodium?
        accepted: [Na]
        keywords:
          - match: ["so"]
            feedback: So is not a symbol; sodium's comes from its Latin name natrium.
        explanation: Sodium is Na, after the Latin natrium.
        """,
    "pv-tuple": """
        id: pv-tuple
        kind: numeric_tuple
        domain: basics
        skills: [basics-sums]
        stem: A rectangle has a perimeter of 14 cm and an area of 12 cm². Give its sides, longer first.
        fields:
          - name: long
            label: Longer side (cm)
            answer: 4
          - name: short
            label: Shorter side (cm)
            answer: 3
        misconceptions:
          - values: {long: 6, short: 2}
            feedback: Six by two has the area but a perimeter of 16 cm.
        explanation: Sides a and b with a + b = 7 and ab = 12 are 4 and 3.
        """,
    "pv-matrix": """
        id: pv-matrix
        kind: matrix
        domain: basics
        skills: [basics-sums]
        stem: Enter twice the two-by-two identity matrix.
        answer:
          - [2, 0]
          - [0, 2]
        row_labels: [first row, second row]
        column_labels: [first column, second column]
        misconceptions:
          - answer: [[1, 0], [0, 1]]
            feedback: That is the identity itself; twice it doubles the diagonal.
        explanation: Doubling the identity puts 2 on the diagonal and keeps 0 elsewhere.
        """,
    "pv-ordering": """
        id: pv-ordering
        kind: ordering
        domain: basics
        skills: [basics-sums]
        stem: Put the steps of making tea in order. Not every step belongs.
        blocks:
          - id: boil
            text: Boil the water
          - id: steep
            text: Steep the tea leaves
          - id: pour
            text: Pour the tea into a cup
          - id: freeze
            text: Freeze the water first
            distractor: true
            feedback: Frozen water has to melt again before it can boil.
        explanation: The water boils, the leaves steep in it, and the tea is poured.
        """,
    "pv-free": """
        id: pv-free
        kind: free_text
        domain: basics
        skills: [basics-sums]
        use: practice
        max_words: 60
        stem: Why does ice float on water? Answer in one or two sentences.
        rubric:
          - id: density
            criterion: Ice is less dense than liquid water
            points: 1
            concepts:
              - ["less dense|lower density|lighter"]
            met: Yes, ice is less dense than the water it floats on.
            missed: Say that ice is less dense than liquid water.
        explanation: Water expands as it freezes into an open crystal, so ice is less dense and floats.
        """,
    "pv-figure": """
        id: pv-figure
        kind: single_choice
        domain: basics
        skills: [basics-sums]
        stem: How many sides does the shape in the figure have?
        figure:
          path: figures/triangle.svg
          alt: A triangle drawn in black outline.
        options:
          - text: Three
            correct: true
            feedback: A triangle has three sides.
          - text: Four
            correct: false
            feedback: Four sides would make a quadrilateral.
        explanation: The figure is a triangle, and every triangle has three sides.
        """,
}

FIGURE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M1 9 L5 1 L9 9 Z"/></svg>\n'

GENERATOR = """
from adaptest.bank.generators import GeneratorFamily, Variant


def build(rng):
    a = rng.randint(3, 9)  # from 3 up, the sum (a misconception) is never the product
    b = rng.randint(3, 9)
    return Variant(
        params={"a": a, "b": b},
        fields={
            "stem": f"What is {a} times {b}?",
            "answer": a * b,
            "misconceptions": [
                {"value": a + b, "feedback": f"{a + b} is the sum; the question asks for the product."}
            ],
            "explanation": f"{a} times {b} is {a * b}.",
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="pv-gen-product", kind="numeric", domain="basics", skills=("basics-sums",), build=build
    )
]
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def preview_bank(root: Path) -> Path:
    """Write the bank under ``root`` and return its folder."""
    write(root / "bank.yaml", BANK)
    for item_id, text in ITEMS.items():
        write(root / "items" / f"{item_id}.yaml", text)
    write(root / "figures" / "triangle.svg", FIGURE)
    write(root / "generators" / "products.py", GENERATOR)
    return root
