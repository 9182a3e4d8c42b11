"""The CE record on the public site: each area keeps its own URL list, all under the `credits` namespace."""

from .audits import urlpatterns as audits
from .reported import urlpatterns as reported
from .transcripts import urlpatterns as transcripts

app_name = "credits"

urlpatterns = [*reported, *transcripts, *audits]
