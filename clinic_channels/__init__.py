"""Rasa input channels that check and clean every message before Rasa sees it.

credentials.yml names `clinic_channels.rest.ClinicRestInput` and
`clinic_channels.socketio.ClinicSocketIOInput` instead of Rasa's `rest` and
`socketio`; the URL paths stay the same (/webhooks/rest/webhook, /socket.io).
"""
