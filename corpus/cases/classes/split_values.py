"""Client settings for the nightly evaluation job."""
from openai import OpenAI

# split to keep the line short
OPENAI_API_KEY = ("sk-proj-vSl4CYVREZ8x9o3bBpMWcDiYXvluQngPpi69WyH1UD-GGigtqwXa" +
                  "_ENp3dHOnvrMsWciAvik92T3BlbkFJ0nn14O871By0anOe0BP1haqWJ8Nud9PuYVDXu-HO05RF-r3EGTOfcnh_3Z5mb61cSz4iB7f0IE")

client = OpenAI(api_key=OPENAI_API_KEY)
