-- wrk: POST the album's first page, as /bff/albums/{id} does.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = os.getenv("IMMICH_KEY") or "bench-immich-key"
wrk.body = '{"albumIds":["5000bb5e-afab-4dd6-918c-53bf41379a9d"],"page":1,"size":200}'
