"""Local HTTP servers that behave as the documented Bitrix24 and amoCRM APIs do."""
