"""Azure-native artifacts built from the KQL library: an Azure Monitor scheduled query
rule (:mod:`.alert_rule`, written as ARM JSON by :mod:`.template` or Bicep by :mod:`.bicep`)
and an Azure Monitor workbook (:mod:`.workbook`). See ``docs/azure-artifacts.md``."""
