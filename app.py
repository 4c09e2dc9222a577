"""Application factory: configuration, extensions, blueprints, CLI and error pages. Nothing else."""

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from directory import cli, config, web
from directory.db import make_engine, session_scope, upgrade_database
from directory.exchange.transfers import load_package, remove_stale_uploads
from directory.indexing import Indexer, document_shape
from directory.listings.queries import directory_is_empty
from directory.pathway.rulebook import upgrade_rules
from directory.places.gazetteer import Gazetteer
from directory.places.geocoding import online_geocoder
from directory.web.request_logs import HealthChecksUnlogged, RequestLineScrubber
from search import SearchEngine


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None, template_folder="templates")  # static files: web/assets.py
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.root_path + "/templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    engine = make_engine(app.config["DATABASE_URL"])
    indexer = Indexer(
        SearchEngine(app.config["SEARCH_INDEX_DIR"], app.config["SYNONYMS_FILE"], document_shape(),
                     app.config["SYNONYMS_DIR"]),
        Gazetteer.from_folder(app.config["GAZETTEER_DIR"]),
        forget_after=timedelta(days=app.config["SEARCH_INDEX_FORGET_DAYS"]),
    )
    app.extensions["database"] = engine
    app.extensions["indexer"] = indexer
    app.extensions["geocoder"] = online_geocoder(
        app.config["GEOCODER"], app.config["GEOCODER_USER_AGENT"], domain=app.config["GEOCODER_DOMAIN"]
    )

    upgrade_database(engine)
    with session_scope(engine) as session:
        if app.config["LOAD_SAMPLE_DATA"] and directory_is_empty(session):
            # The sample's numbers are Ofcom's drama ranges by design, whatever the setting for editors.
            load_package(session, indexer, app.config["SAMPLE_DATA_DIR"], allow_fictional_phones=True)
        upgrade_rules(session, app.config["PATHWAY_RULES_FILE"])
        indexer.ensure(session)
    remove_stale_uploads(Path(app.config["IMPORT_UPLOAD_DIR"]))  # they may hold refuge addresses
    # gunicorn forks workers after this (preload_app): none may inherit connections or open files.
    engine.dispose()
    indexer.engine.close()

    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    web.init_app(app)
    cli.init_app(app)
    logging.getLogger("werkzeug").addFilter(RequestLineScrubber())
    logging.getLogger("werkzeug").addFilter(HealthChecksUnlogged())
    return app
