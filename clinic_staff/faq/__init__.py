"""Staff workflow for the FAQ: create, check, review unanswered questions, deploy, roll back.

`./staff faq new`, `./staff faq check`, `./staff unanswered`, `./staff deploy`,
`./staff rollback` (clinic_staff/cli.py) call these modules; docs/guides/staff-guide.md explains them.
"""
