"""Staff workflow for the FAQ: create, check, review unanswered questions, deploy, roll back.

`./staff faq new`, `./staff faq check`, `./staff unanswered`, `./staff deploy`,
`./staff rollback` (tools/staff.py) call these modules; docs/staff-guide.md explains them.
"""
