"""A complete FAQ the project does not have, for the tests that add one (staff CLI, console,
retraining). Guest Wi-Fi: a real clinic question that overlaps no topic in data/faq, so a
model that answers it learned it from these lines and nothing else."""

TOPIC = "wifi"
QUESTION = "is there wifi I can use at the clinic"
ANSWER = (
    "Yes, there is free guest Wi-Fi in the waiting room and the treatment rooms; the network "
    "name and password are at the front desk. For anything else, call {clinic_phone}."
)
ANSWER_MARK = "free guest Wi-Fi"  # a part of ANSWER no other answer has
PHRASINGS = [
    "is there wifi at the clinic",
    "do you have wifi",
    "wifi",
    "can i use the wifi during my infusion",
    "what's the wifi password",
    "is there free wi-fi in the waiting room",
    "will i be able to get online during the treatment",
    "can i connect my laptop to your internet",
    "do you have guest internet access",
    "is there a wireless network for patients",
    "can i stream a show on your wifi while i wait",
    "how do i get on the clinic wifi",
    "is the wifi free for patients",
    "do the treatment rooms have internet",
    "can my companion use the wifi in the waiting room",
]
# Asked by visitors, in none of the lines above.
UNSEEN_QUESTIONS = [
    "does the office have wifi for visitors",
    "can i get on the internet while i wait there",
]
