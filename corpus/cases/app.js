// Chat assistant backend (Express)
const express = require("express");
const OpenAI = require("openai");
const Anthropic = require("@anthropic-ai/sdk");

const app = express();
app.use(express.json({ limit: "1mb" }));

// TODO: move to the secrets manager before launch
const openai = new OpenAI({ apiKey: "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" });
const anthropic = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY,
});
const fallbackClaudeKey = "sk-ant-api03-i0qqY1pbIr3HfhfTpnk0NnoCrVHczS5qIvZlOgPMzj5S9M6X26SQqLHK0C1ku5E1WpvBq8uX7wYGfNZbcTOLElo2PKSRaAA";

const shortcuts = [
  { "key": "ctrl+shift+down", "action": "selectToEnd" },
  { "key": "ctrl+k", "action": "clearHistory" },
];

const emptyState =
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";

app.get("/health", (req, res) => res.json({ ok: true, instance: "686e31bd-4da4-4199-ad41-78a165e1e5a3" }));

app.post("/chat", async (req, res) => {
  const token = req.headers["x-session-token"];
  if (!token || token.length < 16) return res.status(401).end();
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: req.body.messages,
  });
  res.json(completion.choices[0].message);
});

app.listen(process.env.PORT || 3000);
