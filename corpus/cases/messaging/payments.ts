// Payment and shipping provider clients used by the checkout service.
import { SquareClient, SquareEnvironment } from "square";
import { lemonSqueezySetup } from "@lemonsqueezy/lemonsqueezy.js";
import { Client as AdyenClient } from "@adyen/api-library";

export const square = new SquareClient({
  token: "EAAAlPpG1C8Kylt5npVspkJxG5nEYUhVEsTd0iKcijzy5_yfROhr6IP_ZlHnQ7jW",
  environment: SquareEnvironment.Production,
});

export const squareOAuth = {
  applicationId: "sq0idp-KvXjCMypIgD1k1PgOjJmr1",
  applicationSecret: "sq0csp-t_9o16Qh21Sjs1Oxi7JQqBi7ZrPqoOeBIDR_uaTzmZQ",
};

lemonSqueezySetup({ apiKey: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI5NzU2ZWQ1Ny1kODAwLTQ2NDktYmU4NC0xNDA0YzhlM2NkNDIiLCJqdGkiOiJmYWRmYTc5NzMxYTYxNTUwZmE1NWRhZWE3NzU4YTAzMDYwMjgyZDY0ZWE3ODJmZjhmMTcyOWE3ZmM1OGI0MDlkYjUzMTMwZDAzYTU1NmZhNCIsImlhdCI6MTc2NDIwMTYwMCwibmJmIjoxNzY0MjAxNjAwLCJleHAiOjIwNzk3MzQ0MDAsInN1YiI6IjQ3NzQzMSIsInNjb3BlcyI6W119.5jRnax0PN9D-H69AyvUXks6K3pfzrE2d_JR-TGrpSE8Uiovm2rNQDIBaYelSaHR3yqv9MEIUJ0c8g8yOQdeQTKDgKDgwBQ0D5wVsgUN1hWeDBw-ZrH4vRTDO1ZkFZWNGUo36inezORUysizoR12AmltO5SiSjr6ceTacjEorWVpEUhBCSNRkSauX-E-umHuasS2pg-aIQjgJHWiQE_p0xKFvfDLVGaJ6nGgzkVrh2FagxzacJ-6GVUdWeMlobokXPv_CGzd7QwnBCz41NTrDAMBN67lekZkQY7M0Qo3DkAkjHcmh2I4vkyKJbgPGmmf7kSNW-Tgue4pgJNMoaev2oYlOeNaLIub_SuNMyb0adrhafyzptWCJqNFn9h8kkNYyyuM3DBiZJSXC0a4wovl-wzihP2KON5HOyrYJ-Hol1JGc2zOGrWTwgYHgNj3NHdwAMnwWubv4h3ToRovhij1XAHBGQDyYRGjNpmYFpc2YwdZq9aZTpg_4QqaEqno24qwUZ2nHP2guNFxT-FFOWfZSZjM63HB7HVrywKNRYR_SxLPbzd_GK7tx35kd_9OGjiI7Mqv15U7TM0n9A3OTr7Q5l_mG_51Hv2OBKJcG1XmnvtBl8fFSrwN862BHJtd-KRS_eRJoTA9A-xvDO4nLzEWFzC-NmNpAeeG4_4nSryP6KSs" });

export const adyenConfig = {
  adyenApiKey: "AQEqlvjSGiEjPtL6Qs/xWOQ8GZUDpcDvALFI8k8jS+mqqeZgsnL7JM+U9AjrlF9dJH5cFcMgHA==-OTtCZwKt/P4ZMXK2rye4XHsvMfw7Dc7VWQKWFW/goN8=-i1iX3RR4ONZuCx*L3",
  merchantAccount: "AcmeCorpECOM",
  clientKey: "live_QGWV3EUO8VVOAD1BXMZL9545ON9TZ1BG",
  hmacKey: process.env.ADYEN_HMAC_KEY,
};

export const shipping = {
  shippoToken: "shippo_live_c5af74fccc23338ebeb758acd43b37ef6513ba6c",
  easypostKey: "EZAKa82d95618fb06614f0810e49d481ece3d642303572c95c8dcf6ef3",
};

// Paddle.js in the browser uses the public client-side token live_2529413c09b931463cc82c6c1de.
export const paddle = {
  apiKey: "pdl_live_apikey_01q2g1xpy39nx09jrzvc4hr320_NE9rchxz87kL8IGEGdSrSS_pR2",
};

// Checkout.com and Stripe keys come from the environment.
export const ckoSecret = process.env.CKO_SECRET_KEY!;
export const stripeKey = process.env.STRIPE_SECRET_KEY!;
