"""Settings for the retrieval / evaluation workers."""
import os

import cohere
import replicate
from pinecone import Pinecone

DEBUG = os.environ.get("DEBUG", "0") == "1"

# Embeddings + rerank
COHERE_API_KEY = "cXCn0sZaeNMP4qoICjViSX32X5Joq1us6NmQ36A5"
co = cohere.ClientV2(api_key=COHERE_API_KEY)

VOYAGE_API_KEY = os.environ["VOYAGE_API_KEY"]

# Vector store
pc = Pinecone(api_key="pcsk_gUVuOP_3SWroqbuXPeUMgdsYbHqAD2EDU4QH9xvBAUQ4XdhN9oJkuP29EkkMH6bE0AgONO")
PINECONE_INDEX_HOST = "rag-prod-3f1c2ab.svc.aped-4627-b74a.pinecone.io"
PINECONE_INDEX_ID = "3fc4ea64-55ce-42b4-a19f-82dfe7c83950"

# Image generation fallback
replicate_client = replicate.Client(api_token="r8_rKiWLPbpINLzRqF5lQ3wIabxLAF1nTPJsJVaI")

# Speech
DEEPGRAM_API_KEY = "358c8a9906bbebc4efdcebcf47c35106684f62c7"
ELEVENLABS_API_KEY = "sk_e7c02e61f0a78312057447fa6b8fc5742bcf1466174cad83"
ASSEMBLYAI_API_KEY = os.getenv("ASSEMBLYAI_API_KEY", "")

# Experiment tracking
WANDB_API_KEY = "c09649cf94d6d2fa915f1664ad5930bbba111c33"
WANDB_PROJECT = "rag-eval"
MODEL_WEIGHTS_SHA1 = "94d9fbd9950d2f046d3b1d5cae3af5a630a8c252"
WANDB_RUN_ID = "703ec356"
DEEPGRAM_MODEL_SHA = "a69a1b6eecb6995725e81ae7d92056b198813ed0"

# Mistral is only used by the offline eval job
MISTRAL_API_KEY = "vwc8vhUPoPy2lER8Ot2FzAZAm9Ad56ka"

# Hugging Face: the org token below is the legacy one used by the nightly mirror job
HF_ORG_TOKEN = "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"
HF_HUB_CACHE = "/var/cache/hf"
