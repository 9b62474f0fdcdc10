"""The Slack adapter: the whole bot on slack-bolt's AsyncApp, served by our aiohttp app.

Modules: `settings` (environment), `blocks`/`modals`/`home` (pure Block Kit renderers),
`inbound` (payload → neutral event translators), `port` (the ChatPort: Web API calls),
`client`/`pacing` (retries, rate limits), `listeners` + `app` (bolt wiring), `mount` (HTTP
routes) and `socket` (Socket Mode for development); `testing`, the test kit: a fake Web API,
signed requests and the bot behind a test client.
"""
