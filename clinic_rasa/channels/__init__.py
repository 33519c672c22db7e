"""Rasa input channels that check and clean every message before Rasa sees it.

credentials.yml names `clinic_rasa.channels.rest.ClinicRestInput` and
`clinic_rasa.channels.socketio.ClinicSocketIOInput` instead of Rasa's `rest` and
`socketio`; the URL paths stay the same (/webhooks/rest/webhook, /socket.io).
"""
