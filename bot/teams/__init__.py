"""The Microsoft Teams adapter (botbuilder 4.17 CloudAdapter).

Every botbuilder import of the project lives in this package, so that it can be replaced by
the Microsoft 365 Agents SDK without touching the dialogs, the engine or the storage.
"""
