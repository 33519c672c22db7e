"""`make bench`: answer quality against peer matchers, serving under load, training time.

One module per concern: corpus (the data every peer reads), peers (the matchers),
quality (scoring them on the held-out file), servers (starting the real stack),
load (simulated visitors), profiling (py-spy), training (rasa train timing),
report (markdown, targets and plots). `python -m bench --help` lists the options.
"""
