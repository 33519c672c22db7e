"""Sentence triples (anchor, paraphrase, unrelated) for a quick similarity sanity check of sentence
encoders: English, Spanish, and Spanish anchors against English sentences (cross-lingual).
Written for this comparison (docs/reports/encoder.md); not training or evaluation data."""

ENGLISH = [
    (
        "How much does a ketamine infusion cost?",
        "What is the price of one infusion?",
        "Can I drive home after the treatment?",
    ),
    ("I don't want to live anymore", "I want to end my life", "I want to book an appointment"),
    (
        "Does insurance cover ketamine treatment?",
        "Will my health plan pay for the infusions?",
        "How long does one session take?",
    ),
    (
        "What are the side effects?",
        "Can ketamine make me feel sick or dizzy?",
        "Where is your office located?",
    ),
    (
        "I have a plan to kill myself tonight",
        "Tonight I am going to take my own life",
        "I have a plan to visit the clinic tonight",
    ),
    (
        "How fast does ketamine work for depression?",
        "How soon will I feel better after an infusion?",
        "Do I need a referral from my doctor?",
    ),
    (
        "Can I keep taking my antidepressants?",
        "Do I have to stop my current medication?",
        "Is parking available at the clinic?",
    ),
    (
        "Nothing matters and everyone would be better off without me",
        "My family would be happier if I were gone",
        "Everyone at the office was very friendly",
    ),
]
SPANISH = [
    (
        "¿Cuánto cuesta la infusión de ketamina?",
        "¿Qué precio tiene una infusión?",
        "¿Puedo conducir después del tratamiento?",
    ),
    ("Ya no quiero vivir", "Quiero quitarme la vida", "Quiero reservar una cita"),
    (
        "¿El seguro cubre el tratamiento con ketamina?",
        "¿Mi seguro médico paga las infusiones?",
        "¿Cuánto dura una sesión?",
    ),
    (
        "¿Cuáles son los efectos secundarios?",
        "¿La ketamina puede causar mareos o náuseas?",
        "¿Dónde está su consultorio?",
    ),
    (
        "Tengo un plan para matarme esta noche",
        "Esta noche voy a acabar con mi vida",
        "Tengo un plan para visitar la clínica esta noche",
    ),
    (
        "¿Qué tan rápido funciona la ketamina para la depresión?",
        "¿Cuándo me sentiré mejor después de una infusión?",
        "¿Necesito una referencia de mi médico?",
    ),
    (
        "¿Puedo seguir tomando mis antidepresivos?",
        "¿Tengo que dejar mi medicación actual?",
        "¿Hay estacionamiento en la clínica?",
    ),
    (
        "Nada importa y todos estarían mejor sin mí",
        "Mi familia sería más feliz si yo no estuviera",
        "Todos en la oficina fueron muy amables",
    ),
]
CROSS_LINGUAL = [(es[0], en[1], en[2]) for es, en in zip(SPANISH, ENGLISH)]

SETS = {"English": ENGLISH, "Spanish": SPANISH, "Spanish vs English": CROSS_LINGUAL}
