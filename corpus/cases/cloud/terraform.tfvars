# Multi-cloud DR environment. Copy to terraform.tfvars.local for real runs.
# NOTE: this file was committed by mistake in the dr-setup branch.

environment     = "dr"
project         = "acme-payments"

# Alibaba Cloud (cn-shanghai replica)
alicloud_access_key = "LTAIeTfI7oaqiBoeMUcbB216"
alicloud_secret_key = "FIe63SzvoddD25Q8vdulMiZXgVKcp5"
alicloud_region     = "cn-shanghai"

# Tencent Cloud (ap-guangzhou)
tencentcloud_secret_id  = "AKIDuxFFU7BcImNvOK6pzzCc0JrKC5kTlykq"
tencentcloud_secret_key = "rjwAt9wxhf2LXVhiJpJfNXPsUpX43wev"

# Hetzner / Linode / Vultr edge nodes
hcloud_token    = "VK2PIk76n2N836ODdfSfHasCVZpAVa2XFxQdBHa9sTPGAMHu8M54868z0uvmHPKt"
hcloud_location = "fsn1"
linode_token    = "7ff585d69436a9d05d970f83e3ed617288b7f2ad43691815c7db06099f5b4752"
vultr_api_key   = "GZ2DU2DPZBSWSPSA65IX8BEEYNXCVABBWJLU"
image_checksum  = "sha256:61cc75d44b08b1932c9f4a283d030c287ac5204a210c10a3f0371d86248e7b8a"

# Scaleway object storage for backups
scaleway_access_key = "SCW7I8YFZ00X7D7JCH6S"
scaleway_secret_key = "55fc87cd-033e-49a6-b752-ed719d6d4dc1"
scaleway_project_id = "94adbdda-363b-4133-8db5-751bd38af39e"

# Exoscale SKS cluster
exoscale_key    = "EXO64731725167d0729a41ce9ba"
exoscale_secret = "-4vOMB6oX3bnHGnb4a67r75d6hMmD9pZsuKmpKShsch"

# IBM Cloud (Key Protect) and Oracle Cloud (OCIR mirror)
ibmcloud_api_key = "-3UK4II19rBzKMNMlR8vfF_N6FpXeQ93irVp8RuStsKb"
ibm_region       = "eu-de"
oci_auth_token   = "Vl[DJpzkp(A8UmM5O:hJ"
oci_tenancy_ocid = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq"
oci_fingerprint  = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34"
oci_customer_secret_key = "JQa8vLHdAwhqvMl5iHvE9+xg7wgsNMGJM3SWRib4p0w="

# Cloudflare (DNS for dr.acme-payments.io)
cloudflare_api_token = "b8w8EUEWq_sSNsL-6ZsC1MpmDGzWSj0e-V6PNR93"
cloudflare_zone_id   = "bddfb9fbe16f92f261a86096002c7b1d"

# Huawei Cloud (OBS archive)
huaweicloud_access_key = "K1SGH07KM51KLWV89SYC"
huaweicloud_secret_key = "uPRqGr97ECbibXDh6BIZK5JB6qAJvEH9z8cgqicy"

# front-end hosting (old dashboards)
vercel_api_token = "Oq9q5vF61AcxWhx0Dm0IRgLT"
netlify_token    = "p9Cgtk_qVmrWZOW2nhnV1R-7wnflBlKsH9U9PF6Md2y"

# placeholders kept for documentation
backblaze_key_id = "<b2-key-id>"
fastly_api_key   = "YOUR_FASTLY_TOKEN"
