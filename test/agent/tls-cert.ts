// A self-signed certificate for 127.0.0.1 (P-256, valid until 2125), for tests of TLS against plain
// HTTP on loopback. Made with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
// -nodes -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1
export const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFiUSkX9eNUgSZ/GS
GsBGmXjN2+LLaVsEPfZXCO9rs8KhRANCAARZ7pumE5z22cubSnxS5dz3T4ADYQ62
6zpr0rJhoF6VydqfMg8OEXZCspwycaEz/ByQdlAnHcx8ypBClF2h/RRE
-----END PRIVATE KEY-----
`;

export const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUDjYIrQpSZ3gWVVQeFMK+tW2YfMEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNzA5MzM0MVoYDzIxMjYxMTEz
MDkzMzQxWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARZ7pumE5z22cubSnxS5dz3T4ADYQ626zpr0rJhoF6VydqfMg8OEXZC
spwycaEz/ByQdlAnHcx8ypBClF2h/RREo2QwYjAdBgNVHQ4EFgQUWTXtUuckzhHb
YNui8dm8FyTpa18wHwYDVR0jBBgwFoAUWTXtUuckzhHbYNui8dm8FyTpa18wDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IE9+AhTizkQ6qWHHK8ys02/6ygvNyN/TlcyMVEUIiBIzAiEAz9uSbKOF1X4xdbFn
V4P93I6vNZm8vRLGhhauNz6yCIg=
-----END CERTIFICATE-----
`;
