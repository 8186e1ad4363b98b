from tests.api.fixtures import _clear_cache, api_client, operator_api, viewer_api, world  # noqa: F401
