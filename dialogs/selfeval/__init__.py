"""The organisational self-evaluation (Ledelse, Strategi, Organisering, Kompetencer, Kultur).

`SelfEvalDialog` is the pure dialog; `ops` its data operations (applied by
`storage.selfeval.SelfEvalStore`); `model` the read model loaded into `Turn.extra["selfeval"]`;
`views` the messages; `report` the section for the Word report.
"""

from __future__ import annotations

from dialogs.selfeval.dialog import SelfEvalDialog

__all__ = ["SelfEvalDialog"]
