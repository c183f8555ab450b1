"""The bounds that keep the abstract interpreter fast on any input (see :mod:`.interp`)."""

from __future__ import annotations

#: evaluation steps one top-level statement (or one function run because nobody calls it)
#: may take before it is cut short and reported (SEQ002)
MAX_STATEMENT_STEPS = 100_000
#: steps for the whole file; past them each further statement gets only SMALL_STEPS, so the
#: simple statements that build models are still followed, and hostile files stay fast
MAX_FILE_STEPS = 600_000
SMALL_STEPS = 200
#: steps a loop over known items runs concretely before the rest of it is widened (its body
#: followed once more with the loop variable unknown, what it changes uncertain)
LOOP_STEPS = 4_000
#: the same for a loop that has not changed any model in those steps (a training loop, data
#: preparation): 40 % of all steps on /work/nb went to such loops, with the cap at LOOP_STEPS
QUIET_LOOP_STEPS = 1_000
MAX_DEPTH = 12
#: models a file may hold while each top-level statement records what every one of them holds
#: (to tell which a cut-short statement touched); past it, every model counts as touched
MAX_MODEL_SNAPSHOT = 1_000
MAX_RECURSION = 2  # calls of one function active at once
MAX_UNROLL = 512
#: the size past which an abstract value becomes UNKNOWN: items of a list, tuple, dict or
#: characters of a string, and bits of an integer
MAX_ITEMS = 10_000
MAX_INT_BITS = 4_096
