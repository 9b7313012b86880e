"""Whether a person may learn of a kind of record at all: its names, its counts, what it produced.

The kernel's record mix-ins (`Tagged`, `ActionSource`) inherit this; an app whose records are restricted
(the reviews app: serious incidents) overrides `kind_visible_to` once, and every place that names or counts
records of a kind (the coverage map, the action tracker's list, its CSV and its pages) asks it.
"""


class KindVisibility:
    # What a record of a kind a person may not learn of is called instead (the action tracker's list and CSV).
    hidden_kind_label = "An action from a restricted record"

    @classmethod
    def kind_visible_to(cls, user) -> bool:
        return True
