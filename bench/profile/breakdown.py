"""Share of CPU samples per pipeline component, from `perf script -F comm,tid,ip,sym,dso` output.

A sample is charged to the deepest (closest to the leaf) frame that names a component, so "authentication" is the
authentication code itself, not the rest of the pipeline it awaits. Frames that name no component are "other"
(mostly the kernel's scheduler and interrupt paths). Usage: python3 breakdown.py perf.txt [more.txt ...]

With --per-request HZ perf.txt PID:REQUESTS PID:REQUESTS (bench/profile/compare.sh): a whole-machine profile, sampled at
HZ, split by process; prints microseconds of CPU per request for each component of each process and the difference.
"""
import collections
import sys

COMPONENTS = [  # (label, substring of a frame); order matters only within a frame
    ('kestrel', 'Microsoft.AspNetCore.Server.Kestrel'), ('hosting', 'Microsoft.AspNetCore.Hosting'),
    ('metrics (OpenTelemetry)', 'OpenTelemetry'), ('metrics (System.Diagnostics)', 'System.Diagnostics.Metrics'),
    ('forwarded headers', 'ForwardedHeadersMiddleware'), ('audit', 'ImmichGateway.Audit'),
    ('logging', 'Microsoft.Extensions.Logging'), ('exception handler', 'ExceptionHandlerMiddleware'),
    ('status code pages', 'StatusCodePagesMiddleware'), ('path guard', 'PathGuard'),
    ('routing', 'Microsoft.AspNetCore.Routing'), ('cors', 'Microsoft.AspNetCore.Cors'),
    ('authentication', 'Microsoft.AspNetCore.Authentication'), ('authentication', 'ImmichGateway.Auth.ClientKey'),
    ('authentication', 'ImmichGateway.Keys'), ('authorization', 'Microsoft.AspNetCore.Authorization'),
    ('authorization', 'ImmichGateway.Proxy.ImmichRouteAuthorization'), ('authorization', 'GatewayAuthorizationResultHandler'),
    ('client scopes', 'ImmichGateway.Scopes'), ('rate limiter', 'RateLimiting'),
    ('dependency injection', 'Microsoft.Extensions.DependencyInjection'),
    ('gateway proxy middleware', 'ForwarderErrors'), ('gateway proxy middleware', 'RequestBodyLimits'),
    ('gateway proxy middleware', 'OpenConnectionRegistry'), ('gateway transforms', 'CredentialTransformProvider'),
    ('gateway transforms', 'ScopeNarrowing'), ('gateway transforms', 'CacheEviction'), ('yarp', 'Yarp.ReverseProxy'),
    ('cache', 'ImmichGateway.Caching'), ('reference api', 'ImmichGateway.Reference'),
    ('httpclient', 'System.Net.Http'), ('sockets', 'System.Net.Sockets'), ('pipelines', 'System.IO.Pipelines'),
    ('thread pool', 'PortableThreadPool'), ('thread pool', 'ThreadPoolWorkQueue'),
    ('runtime (GC, stubs, copies)', 'libcoreclr'), ('kernel: send', 'sys_sendto'), ('kernel: send', 'sys_sendmsg'),
    ('kernel: send', 'sys_writev'), ('kernel: receive', 'sys_recvfrom'), ('kernel: epoll', 'epoll'),
    ('kernel: write (logs)', 'ksys_write'),
]


def samples(path, with_header=False):
    header, stack = None, []
    for line in open(path, errors='replace'):
        if not line.strip():
            if stack:
                yield (header, stack) if with_header else stack
            header, stack = None, []
        elif line.startswith((' ', '\t')):
            stack.append(line.strip())
        else:
            header = line
    if stack:
        yield (header, stack) if with_header else stack


def process_id(header):
    """The pid in a `perf script -F comm,pid,tid,...` header line ("name 123/456" or "name 123")."""
    for token in (header or '').split():
        first = token.split('/')[0]
        if first.isdigit():
            return first
    return None


def per_request(hz, path, targets):
    """Microseconds of CPU per request and component for each pid:requests target, and the second minus the first."""
    pids = [t.split(':')[0] for t in targets]
    requests = {t.split(':')[0]: int(t.split(':')[1]) for t in targets}
    counts = {pid: collections.Counter() for pid in pids}
    for header, stack in samples(path, with_header=True):
        pid = process_id(header)
        if pid in counts:
            counts[pid][component(stack)] += 1
    micros = {pid: {label: n / hz * 1e6 / max(requests[pid], 1) for label, n in counts[pid].items()} for pid in pids}
    labels = sorted({l for m in micros.values() for l in m}, key=lambda l: -max(m.get(l, 0) for m in micros.values()))
    print(f"{'µs of CPU per request':30}{'baseline':>10}{'gateway':>10}{'difference':>12}")
    for label in labels + ['TOTAL']:
        values = [sum(micros[p].values()) if label == 'TOTAL' else micros[p].get(label, 0) for p in pids]
        print(f'{label:30}' + ''.join(f'{v:10.1f}' for v in values) + f'{values[-1] - values[0]:12.1f}')


def component(stack):
    for frame in stack:  # leaf first
        for label, needle in COMPONENTS:
            if needle in frame:
                return label
    return 'other'


def main(paths):
    shares = {}
    for path in paths:
        counts = collections.Counter(component(stack) for stack in samples(path))
        total = sum(counts.values()) or 1
        shares[path] = {label: 100 * n / total for label, n in counts.items()}
    labels = sorted({l for s in shares.values() for l in s}, key=lambda l: -max(s.get(l, 0) for s in shares.values()))
    print(f"{'component':30}" + ''.join(f'{p[-24:]:>26}' for p in paths))
    for label in labels:
        print(f'{label:30}' + ''.join(f'{shares[p].get(label, 0):25.1f}%' for p in paths))


if __name__ == '__main__':
    if sys.argv[1:2] == ['--per-request']:
        per_request(float(sys.argv[2]), sys.argv[3], sys.argv[4:])
    else:
        main(sys.argv[1:])
