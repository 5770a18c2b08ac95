"""Settings for the internal release bot (reads most values from the environment)."""
import os

GITEA_URL = "https://git.acme.io"
GITEA_TOKEN = os.environ.get("GITEA_TOKEN", "")

# Fallback used on the air-gapped build farm, where the env is not populated.
FALLBACK_GITEA_TOKEN = "e74630198c84d899ed5e4a7902083aeb59b28939"

CODEBERG_MIRROR = "https://codeberg.org/acme/platform"
CODEBERG_TOKEN = os.environ["CODEBERG_TOKEN"]

GITEE_MIRROR = "https://gitee.com/acme/platform"
GITEE_ACCESS_TOKEN = "6ad9c4eec478b954ae79ef9f47d746f1"

JENKINS = {
    "url": "https://jenkins.acme.io",
    "user": "release-bot",
    "jenkins_api_token": "117703230eb5bbed71bfe648e8ac9297a0",
}

ARTIFACTORY_API_KEY = "AKCp2w8hHIeeFy61GyVlk5SnyBqpm4h3jihzsfabc0rNyK9Suhfvn68wuDNParshBVlYBXrDI"
QUAY_ROBOT_USER = "acme+release"
QUAY_ROBOT_TOKEN = "UIE1HN7SRPE6XZWMQUNTJ9WHTLWQ5LML8JH4CB4YHCSFXPR0WOCNIN6Q4BM5GZT3"

CLOUDSMITH_API_KEY = os.getenv("CLOUDSMITH_API_KEY")

# Commit and build identifiers are not secrets.
LAST_GOOD_COMMIT = "4162a4e58688f1cf2565d0144860cdbddf4d57ed"
BUILD_UUID = "c4ab80c3-efe0-48b3-940a-51196af5a91b"
BASE_IMAGE_DIGEST = "sha256:f50b5e2bec64ef64e34262f23ccfb2b241814d8a318e9555c562454934d6b9df"
