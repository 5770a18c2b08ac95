"""Release helpers: translations, push notifications and model calls for the ops bot."""
import os
import requests

YC_FOLDER_ID = "b1gq8c2d4lt0s5v9a7ke"
YC_API_KEY = "AQVN-w4rt6L7RgBwbBWegfRFkMpl8eSt_qzjxnfF"  # TODO move to lockbox
YANDEX_DISK_TOKEN = "y0_AgAAAAAPtX0rL7-QqNQwJ25N6Lm_Nes0l6hky9jUA9GYvrMN_V5ulNA"


def translate(text: str) -> str:
    resp = requests.post(
        "https://translate.api.cloud.yandex.net/translate/v2/translate",
        headers={"Authorization": "Bearer t1.9euelIJTV-y5xSSFTtfD8G4Yw8hS2j45nK8bgR2X10WVFIPGuEMvXVxZOIsEQvYWLmUpGwRFiRbHmPNBwhcIyyuoUWMG_Ve.9aGpWG5_905SqJJsXM-9nxUFaYzi4XJvcKB9SWoiGZtB9EjclDG-c-UZdBNFb7I193OCjdQXqZ_dNWEYrmkmaA"},
        json={"folderId": YC_FOLDER_ID, "texts": [text], "targetLanguageCode": "en"},
    )
    return resp.json()["translations"][0]["text"]


GOOGLE_OAUTH = {
    "client_id": "964115113527-eweq55ma0vi217v12pcn2evz3m00b9bu.apps.googleusercontent.com",
    "client_secret": "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",
    "refresh_token": "1//07EQg2juBcwss3MuO3lV7yjzi4O2stq0bKWtwBu5EEVkUyJMpbvnUD5bVR_sMzJUwdh_GeWqAVh5lO_rf1RwEZAv8Orws7uEkGo1",
    "token_uri": "https://oauth2.googleapis.com/token",
}

# one-off debugging token copied from the OAuth playground
DEBUG_ACCESS_TOKEN = "ya29.a01K_uEIlEpI7Ivc-6pIgB1AaT4hYmfMXVJJwei1nyYpTAAh9CkJWSx8hzoycmzy_3v6UzECJwGO5qRVfYrsQr2D8qzL1vPGo7_ngyOq08MhGmNs41VC99tRBOxgEiVjuf5w8s0tBlb2aSMFj1612ewmdeFMJoKQOQNHrhxIpiz8D06SuaYj_n"

os.environ["AWS_BEARER_TOKEN_BEDROCK"] = "ABSKQmVkcm9ja0FQSUtleS1rZjZqLWF0LTI1NDU1NDI5MTI0OTpqZ2NOcTdPS3VNOVlNQXZVZFBoT2xTQ2VmUE1DY3ZyNWdPaXBqeERFb3VPOWxWNFlhaGJqMjhiWXlLeVk="
SHORT_TERM_BEDROCK = "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFTSUFNU0hERlJPU0xWUDRBN1VIJTJGMjAyNjAzMTIlMkZ1cy1lYXN0LTElMkZiZWRyb2NrJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjAzMTJUMDkxNTAwWiZYLUFtei1FeHBpcmVzPTQzMjAwJlgtQW16LVNlY3VyaXR5LVRva2VuPUlRb0piM0pwWjJsdVgyVmpqY1U4WkpKTEVvdU1aRGtPdkpYck1vZjB5b2owTFFBVFZzdEo2NUtHV2NzT25nQlZzMEs5SlpReXBxcVQyOG9UY2htZ01YVXlGOTBydGZiSmRpaCUyQnFJbjA3TDhqMCUyQlhieSUyRkh5UENKQ2QlMkJkcm4lMkJ5eTFGeXBVR3g0JTJCYklGWTdZVW5UNkpKYSUyQkd3SjFMeEZINjZJQ3M4QW0zTlB4TTM1WSUyQmtwdDl1QU1TcGZzVG9QcVRzR2tNWm5tJTJGbEtYUlRGbUprb29QVWN4ZThSM2lxTWlQRnNnaGxhaFhCWmxYWkRNVE5IbkV2UWpVTUNSM1dGdkhQenhLcWtROWMxOWZxUDJyUVhGaTFMc1hraWslMkJWc0NnUDRaT2IwdVQwTmZxSGljak11VUNDcktnMzVUVmhtdHFDb2Zmb21LNXp1SkFQa3h1cURWblRhcHpvRDFHQ0RGaVk0SHNrckJSSm90Zzk2JTJCSzFLb0NZa0lza2xyJTJGVjdDMlZ1a0t2NlR4amkyTndteFBNNklkS01IbU1uTjFmSjE0UG1UajY4dzdCMkclMkZVN3RBbVVEbiZYLUFtei1TaWduYXR1cmU9NmYyOWQ5ODM2YTQ2Y2QxZmE1NDA0NWE1NWYxZjMwOTVkMGU1ZDZiOGFkNmU2NWIzNGRhZjliZmYwNWZmMmRiZSZYLUFtei1TaWduZWRIZWFkZXJzPWhvc3QmVmVyc2lvbj0x"

MWS = {
    "seller_id": "A2Q9VZP4KX7LMN",
    "mws_auth_token": "amzn.mws.eb860c70-e5f0-49cd-b751-378ff9de2102",
}

COS_CREDENTIALS = {
    "apikey": os.environ.get("COS_APIKEY"),
    "cos_hmac_keys": {"access_key_id": "2c03a929dab26b78b5d97b5d5686f77a", "secret_access_key": "7f1382aa264ba1af575f5a77080074f839d19335752e0667"},
    "endpoints": "https://control.cloud-object-storage.cloud.ibm.com/v2/endpoints",
}

# documentation keys used in tests: never real
EXAMPLE_TENCENT_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
EXAMPLE_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ARTIFACT_SHA1 = "9a130aa287beec559e5831f429d1239b7bd31358"
