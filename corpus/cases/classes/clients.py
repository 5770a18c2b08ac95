from huggingface_hub import InferenceClient
from tavily import TavilyClient

hub = InferenceClient(model="meta-llama/Llama-3.1-8B-Instruct", token="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")
search = TavilyClient("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")
