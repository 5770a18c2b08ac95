package main

// Chat bridge: relays on-call alerts to Rocket.Chat, Twitch chat, Intercom and Mattermost.

import (
	"log"
	"os"
)

const (
	rocketChatURL    = "https://chat.acme-corp.io"
	rocketChatUserID = "566EmyLpXd7xCdRQk"
	rocketChatToken  = "WZBwnf-Glx6TNHreFkJ1xXjvVqAhvIhkQlbjMxt1ltj"

	twitchClientID     = "z7w3kovmau2q0fwgxd5nxhb6ysfj9e"
	twitchClientSecret = "sms9d0lku8aeboqewpf9fe3qv02rv7"
	twitchBotToken     = "u6mjj9jyhwlk2boq72ca2mid5vt4kv"

	intercomToken  = "dG9rOjZkNzdiNjA1XzU0NTZfNjcyN182MDFhXzEwY2IxODk1ODk3ZDoxOjA="
	mattermostHook = "https://mattermost.acme-corp.io/hooks/bfgiqhoqd9tpr8znfknm76dd8x"
)

func main() {
	if os.Getenv("BRIDGE_DRY_RUN") != "" {
		log.Println("dry run: not sending")
		return
	}
	run()
}
