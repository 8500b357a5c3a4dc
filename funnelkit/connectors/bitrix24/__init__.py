"""The Bitrix24 connector: REST client, mapping, pull, incremental pull and writes."""
