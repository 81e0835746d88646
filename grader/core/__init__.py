"""The shared core: what every part of the grader may use and nothing else imports below it.

The grader's one error (`errors.GradingError`, exit status 2), the language of a run and its catalogs
(`i18n`, `locale/`, `babel_extract` for pybabel), and text for the terminal (`terminal`). The sandboxed worker
depends on this package and on nothing else of the grader.
"""
