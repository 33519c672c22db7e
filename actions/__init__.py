"""Custom actions of the clinic FAQ assistant, served by `rasa run actions`.

Only what the action server runs lives here; shared code is in clinic_core. Importing this
package changes no global state: per-process set-up (log masking) is done by the action
server's start-up hook in rasa_sdk_plugins.
"""
