# harmless callbacks: (text, lang, kind)
D = r"""
en|callback_request|can someone call me back please
en|callback_request|Please have someone call me about rescheduling my Spravato session
en|callback_request|i need a call back from the nurse about the blood pressure numbers from my last visit, she said she'd follow up
en|callback_request|Can the intake coordinator give me a ring? I filled out the online form yesterday
en|urgent_scheduling|call me asap about my appointment, I think it got double booked with my dentist
en|callback_request|hi is there a way to get a phone call instead of chatting? im bad at typing on my phone
en|callback_request|Could Dr. Patel's office phone me re: the prior auth for esketamine
en|callback_request|someone pls reach out, insurance denied the claim and i dont understand the letter at all
en|text_request|I'd prefer a text rather than a call if that's possible
en|text_request|can you text me the address and the parking info
en|callback_request|I missed a call from this number, can someone call me back?
en|callback_request|Requesting a callback regarding my husband's consult. He's the patient, I'm the one who handles scheduling.
en|urgent_scheduling|Please call me I need to move thursday's infusion
en|callback_request|Need a callback re billing. Account # 44821
en|callback_request|Can a coordinator call me this afternoon? Questions about the REMS enrollment paperwork
en|callback_request|how long does it usually take for someone to call back
en|callback_request|i left a voicemail 2 days ago and nobody called me back, can someone please call
en|callback_request|Do you guys do callbacks? I'd rather talk to a real person about cost
en|text_request|have the nurse text me when it's time for my ride to pick me up
en|callback_request|Can someone reach out to my psychiatrist to get the referral sent over? And then call me to confirm you got it
en|contact_details|please call my cell not my home phone
en|urgent_scheduling|URGENT - please call, I'm running 15 min late for my 10am and don't want to lose the slot
en|urgent_scheduling|i need someone to call me today if possible, my insurance changes on the 1st and i want to get the series started before that
en|callback_request|can a doctor call me to talk about whether ketamine is even right for me? I have a history of high blood pressure
en|callback_request|Looking for a call back about a new patient consult. Referred by Dr. Nguyen.
en|callback_request|can someone call me about my appointment
en|callback_request|call me
en|callback_request|callback please
en|callback_request|pls have someone phone me re the forms, the portal keeps logging me out before i can hit submit
en|callback_request|could I get a call tomorrow morning to confirm my first infusion? want to make sure I have the time right
en|callback_request|My mom is the one trying to schedule for me, can you call her instead? I'll give you her number
en|urgent_scheduling|i need to cancel tuesday, can someone call me so i can reschedule
en|contact_preference|Is it possible for the care coordinator to email me instead of calling? I work nights and sleep during the day
en|callback_request|Can you have billing call me? There's a charge on my card I don't recognize
en|callback_request|hey i got a text saying to call back but the number just rings and rings. can you call me instead
en|callback_request|Need someone to contact me about the Spravato observation time, my employer wants a note saying how long I'm out
en|callback_request|Please reach out if you get a cancellation, I'd take anything sooner than the 22nd
en|callback_request|put me on the waitlist and call me if a slot opens up
en|callback_request|is there a nurse I can talk to by phone about side effects? nothing serious, just curious if the nausea gets better
en|callback_request|Can someone please call me back, I've been on hold for 20 minutes
en|callback_request|I'd like a call back to discuss payment plans
en|callback_request|have the front desk call me when my superbill is ready to pick up
en|urgent_scheduling|call me asap pls, i think i put the wrong date of birth on the intake form and i dont want it to mess up insurance
en|callback_request|I want to talk to someone about getting started. can you call me
en|text_request|Can someone text me a reminder the day before?
en|callback_request|please contact me about my screening questionnaire, the portal says "pending review"
en|callback_request|Can your team reach out to my therapist? I signed the release last week
en|urgent_scheduling|I need a call back today before 3 if possible. It's about transportation for tomorrow
en|callback_request|Hi! Could someone call me about the consultation? No rush, whenever works for you guys
en|callback_request|is there any way to get a call back on a weekend
en|contact_preference|My phone screen is cracked and the speaker barely works so please email instead of calling
en|callback_request|would love a quick call to go over what to expect at the first visit
en|callback_request|need to talk to scheduling. please call
en|callback_request|Can someone please ring me, I'm not good with chat bots
en|contact_preference|i'd like the coordinator to call, not text. my texts show up on my partner's ipad and I haven't told him about treatment yet
en|callback_request|Please call me when you get a chance. It's about my daughter's appointment next week.
en|callback_request|can someone get back to me about whether you take tricare
en|callback_request|I'd like to be contacted by the nurse about my pre-infusion instructions
en|callback_request|Please have Jenna call me back, she was helping me last week with the insurance stuff
en|callback_request|is it possible to speak to a human? can you have somebody call
en|callback_request|Hello, I was told to request a callback here for the Spravato program. Thanks
en|urgent_scheduling|please call me quick, I'm in the lobby and the door is locked, is the office open today?
en|callback_request|can someone from the clinic call me to explain the cost breakdown between IV and nasal spray
en|text_request|just text me the confirmation, I can't take calls at work
en|callback_request|Have Dr. Alvarez call me when she's free, she asked me to check in after my 3rd treatment about the dissociation, which was fine
en|urgent_scheduling|need a call today, my ride cancelled for tomorrow morning's infusion and I don't know if I should reschedule
en|callback_request|Can the coordinator call my case manager? She helps me with appointments
en|callback_request|could u guys call me back, my phone cut out during the call earlier
en|callback_request|Would it be possible to get a call to set up a consult for my brother? He's ok with me calling for him
en|callback_request|I'd like a callback about the FMLA paperwork please
en|text_request|Text is better. Can someone text me the available times next week?
en|callback_request|someone called me from this office and didn't leave a message. what was it about? can they call again
en|callback_request|i'd appreciate a call from the pharmacist about whether my new blood pressure med is ok with ketamine
en|urgent_scheduling|pls call me back as soon as you can about tomorrow, the reminder text said 8am but I booked 9
en|callback_request|please ask somebody to phone me about my referral, it's been two weeks
en|preferred_time|after 5
en|preferred_time|mornings are best
en|preferred_time|tomorrow
en|preferred_time|anytime after 2pm
en|preferred_time|weekdays between 12 and 1, that's my lunch break
en|preferred_time|not before 10am please, i work late
en|preferred_time|evenings work
en|preferred_time|tomorrow afternoon
en|preferred_time|any time today is fine
en|preferred_time|monday or tuesday
en|preferred_time|after 6pm eastern
en|preferred_time|before 8am or after 5pm, I'm on a job site all day
en|preferred_time|whenever, I'm flexible
en|preferred_time|around noon
en|preferred_time|best time is like 3:30ish
en|preferred_time|Saturday if you do weekends
en|preferred_time|tmrw morning
en|preferred_time|after the kids are at school so like 9
en|preferred_time|asap
en|preferred_time|later today
en|preferred_time|between 1-3
en|preferred_time|anything but wednesdays
en|preferred_time|Any weekday morning
en|preferred_time|after 4:30 pacific
en|preferred_time|right now works
en|preferred_time|In an hour or so
en|preferred_time|the sooner the better but it's not an emergency
en|preferred_time|thursday after lunch
en|preferred_time|any time, just leave a voicemail if I miss it
en|preferred_time|I'm free until 11 then again after 4
en|preferred_time|early afternoon, 1ish?
en|name|Maria Gonzalez
en|name|my name is Tom
en|name|It's Priya Raman
en|name|D. Okafor
en|name|Sarah (goes by Sally) Whitfield
en|name|name: Kevin Lee
en|name|this is for Robert Chen, DOB 04/12/1978
en|name|Ashley
en|name|I'm Dana, the patient's sister
en|name|first name Emily last name Brooks
en|name|Name's Tyrone Jackson
en|name|it's under my maiden name, Karen Pulaski
en|phone_number|555-214-8890
en|phone_number|(312) 555-0199
en|phone_number|5552148890
en|phone_number|+1 415 555 0132
en|phone_number|call me at 617.555.0148
en|phone_number|my number is 555 867 5309
en|phone_number|cell: (646) 555-0177
en|phone_number|202 555 0181, text only please
en|phone_number|+44 7700 900123 (I'm in the UK until the 10th)
en|phone_number|best # is 503-555-0110 ext 4
en|phone_number|phone 9175550134
en|phone_number|home (248) 555 0192, cell (248) 555 0155
en|phone_number|555.0123, area code 480
en|phone_number|you can reach me at 843-555-0100
en|phone_number|the number on file is right
en|phone_number|use the one on my chart
en|phone_number|213-555-0147 (cell)
en|phone_number|+1 (786) 555-0119
en|phone_number|work # 312 555 0100 ext 212, please don't leave details on that voicemail
en|phone_number|Seven two zero, five five five, zero one six three
en|phone_number|1 (800) 555-0175 is my husband's line, he'll pick up
en|phone_number|404/555/0126
en|email|jdoe84@gmail.com
en|email|email is maria.g.gonzalez@yahoo.com
en|email|sarah_whit@outlook.com pls
en|email|contact me at tlee at protonmail dot com
en|email|k.okafor@northfield.org but only for scheduling stuff, not medical
en|email|Email: priya.raman.92@icloud.com
en|email|you can email me instead, chrism1990@hotmail.com
en|email|same email as in my portal account
en|email|bbrooks@live.com (two b's)
en|email|my email's tyronej at gmail
en|contact_details|Name: Ana Ruiz / Phone: 305-555-0144 / Best time: mornings
en|contact_details|Tom Baker 555-0191 after 5
en|contact_details|Linda Sosa is the patient. I'm her caregiver, Mark, call me at 619-555-0138
en|contact_details|Priya, 415-555-0132, evenings, text first pls
en|contact_details|Kevin Lee | kevlee@gmail.com | reason: reschedule
en|form_answer|Reason for call: reschedule
en|form_answer|reason: questions about cost
en|form_answer|preferred contact method: text
en|form_answer|DOB 3/3/91
en|form_answer|I'm a new patient
en|form_answer|existing patient
en|form_answer|the appointment is on the 14th at 9:30
en|form_answer|reason - insurance / prior auth
en|form_answer|Spravato, not the IV
en|form_answer|it's about my 2nd infusion
en|form_answer|Patient ID 00318827
en|form_answer|Other: want to know if my FSA covers it
en|affirmative|yes
en|affirmative|yes please
en|affirmative|yep
en|affirmative|Y
en|affirmative|sure thing
en|affirmative|ok sure
en|affirmative|that's fine
en|affirmative|that's fine, thanks
en|affirmative|ok
en|affirmative|okay sounds good
en|affirmative|perfect thank you!!
en|affirmative|k
en|affirmative|sure
en|affirmative|yes that's correct
en|affirmative|yes you can leave a voicemail
en|affirmative|fine by me
en|affirmative|yeah go ahead
en|affirmative|ok sure, the number ending in 77
en|affirmative|Yes, this is the best number
en|affirmative|👍
en|negative|no
en|negative|no thanks
en|negative|nope
en|negative|N
en|negative|nah im good
en|negative|no thank you, I'll just call you guys
en|negative|no need
en|negative|no, text is fine
en|negative|no that's wrong
en|negative|no voicemail please
en|negative|not now
en|negative|not right now, maybe later
en|negative|not now, im driving
en|opt_out|stop
en|opt_out|STOP
en|opt_out|unsubscribe
en|opt_out|never mind
en|opt_out|nvm figured it out
en|opt_out|never mind, found the answer on the website
en|opt_out|cancel
en|opt_out|nevermind i'll just come in early and ask
en|opt_out|stop texting me please, I already scheduled
en|opt_out|please take me off the reminder texts, I use the app
en|correction|sorry wrong number, it's 555-214-8809
en|correction|oops typo, email is jdoe84 not jdoe48
en|correction|actually make that afternoons not mornings
en|correction|wait, call my cell not my work
en|correction|correction: last name is spelled Whitfeld, no i
en|correction|sorry autocorrect, I meant Tuesday
en|correction|the 2nd number I gave is old, use (312) 555-0199
en|correction|scratch that, email is better
en|correction|my bad, I put my husband's number. mine is 555 300 1234
en|correction|sorry the area code is 646 not 464
en|correction|wrong person, I'm not Kevin, I think you have the wrong chat? my name is Ken
en|correction|actually tomorrow doesn't work anymore, friday instead
en|correction|oh wait the last digit is 3 not 8
en|correction|sorry i meant after 5 PM not AM lol
en|correction|ignore the gmail one, use my work email
es|callback_request|¿Me pueden llamar para cambiar mi cita?
es|callback_request|Por favor que alguien me llame, tengo preguntas sobre el seguro
es|preferred_time|llámenme después de las 5
es|phone_number|mi número es 787-555-0123
es|affirmative|sí
es|negative|no gracias
es|negative|ahora no
es|preferred_time|en las mañanas es mejor
es|preferred_time|mañana por la tarde
es|name|Me llamo Rosa Martínez
es|correction|perdón, número equivocado, es 305-555-0177
es|contact_preference|prefiero mensaje de texto
es|callback_request|¿puede la enfermera llamarme sobre las instrucciones antes de la infusión?
es|urgent_scheduling|necesito que me llamen lo antes posible por lo de mi cita, creo que pusieron mal la fecha
es|email|mi correo es rosa.mtz@gmail.com
es|affirmative|está bien
es|affirmative|ok, claro
es|opt_out|ya no, gracias
es|opt_out|olvídelo, ya encontré la información
es|callback_request|¿alguien me puede contactar? hablo poco inglés
es|callback_request|llamen a mi hija, ella me ayuda con las citas. su número es (956) 555-0188
es|preferred_time|cualquier día entre semana
es|form_answer|soy paciente nueva
es|affirmative|sí, pueden dejar mensaje de voz
es|callback_request|Buenas, ¿me puede llamar alguien de facturación? Me llegó un cobro que no entiendo
"""
