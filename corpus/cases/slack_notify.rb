require "slack-ruby-client"

# Posts the nightly report as the reporting user (search:read needs a user token).
Slack.configure do |config|
  config.token = "xoxp-44404957629-79804078007-9064616349940-36703f40d040db0b5fd141b639fadac4"
end

REPORT_CHANNEL = "C0123ABCD45"

client = Slack::Web::Client.new
client.auth_test
client.chat_postMessage(channel: REPORT_CHANNEL, text: "Nightly report is ready", as_user: true)
