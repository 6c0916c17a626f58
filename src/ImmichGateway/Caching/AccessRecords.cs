using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ImmichGateway.Caching;

/// <summary>
/// "Immich served this user this asset": the only thing that lets a user's request be answered from the cache. A
/// record is written only after Immich itself answered that user with the image (or a 304 for it), and is believed for
/// <see cref="CachingOptions.AccessLifetime"/>; then Immich is asked again. Records live in memory and in Redis (one
/// hash per asset, field = user hash, value = expiry), so any replica can use them and one <c>DEL</c> revokes an
/// asset for everyone. Revoking every record (album membership, album deletion…) moves to a new epoch: the Redis
/// keys carry it, so old records are simply never read again.
/// </summary>
internal sealed class AccessRecords : IDisposable
{
    private readonly MemoryCache _local = new(new MemoryCacheOptions());
    private readonly RedisConnection _redis;
    private readonly CachingOptions _options;
    private readonly TimeProvider _time;
    private long _epoch;
    private readonly long[] _assetRevocations = new long[256]; // striped by asset: a collision only costs a skipped store

    public AccessRecords(RedisConnection redis, IOptions<CachingOptions> options, TimeProvider time)
    {
        _redis = redis;
        _options = options.Value;
        _time = time;
    }

    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>
    /// What has been revoked of this asset in this process so far: everyone's records for it (and its images, which are
    /// always evicted with them), or every record (a new epoch). A fetch from Immich whose stamp changed while it ran
    /// records nothing: Immich may have answered before the write that caused the eviction, and a record or image
    /// stored afterwards would undo it. (One user's own record, dropped when Immich refused that user, is not counted:
    /// it says nothing about anyone else's answer.)
    /// </summary>
    public (long Epoch, long Asset) RevocationStamp(Guid asset) => (Epoch, Interlocked.Read(ref Stripe(asset)));

    private ref long Stripe(Guid asset) => ref _assetRevocations[(asset.GetHashCode() & int.MaxValue) % _assetRevocations.Length];

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>In memory only: the hot path of a hit.</summary>
    public bool HasLocal(string user, Guid asset) =>
        _local.TryGetValue(asset, out Records? records) && records!.TryGetValue(user, out var expiry) && expiry > Now;

    /// <summary>In memory, else in Redis (another replica's record, or one from before a restart).</summary>
    public async ValueTask<bool> HasAsync(string user, Guid asset)
    {
        if (HasLocal(user, asset))
        {
            return true;
        }
        // An eviction while the read is on its way (here, or another replica's through pub/sub) may have deleted the
        // record in Redis after Redis answered: what was read is then stale, and copied into memory it would outlive
        // the eviction. The stamp taken before the read tells.
        var stamp = RevocationStamp(asset);
        var value = await _redis.RunAsync("access-get", db => db.HashGetAsync(_options.KeyPrefix + CacheKeys.Access(stamp.Epoch, asset), user), RedisValue.Null);
        if (value.IsNull || !long.TryParse((string?)value, out var expiry) || expiry <= Now || RevocationStamp(asset) != stamp)
        {
            return false;
        }
        RecordLocal(user, asset, expiry);
        return true;
    }

    public void Grant(string user, Guid asset)
    {
        var epoch = Epoch;
        var expiry = Now + (long)_options.AccessLifetime.TotalMilliseconds;
        RecordLocal(user, asset, expiry);
        var key = _options.KeyPrefix + CacheKeys.Access(epoch, asset);
        _ = _redis.RunAsync("access-set", async db =>
        {
            var batch = db.CreateBatch();
            var set = batch.HashSetAsync(key, user, expiry);
            var expire = batch.KeyExpireAsync(key, _options.AccessLifetime);
            batch.Execute();
            await Task.WhenAll(set, expire);
        });
    }

    /// <summary>This user's record for the asset only (Immich just refused them).</summary>
    public Task RevokeAsync(string user, Guid asset)
    {
        if (_local.TryGetValue(asset, out Records? records))
        {
            records!.TryRemove(user, out _);
        }
        var epoch = Epoch;
        return _redis.RunAsync("access-delete", db => db.HashDeleteAsync(_options.KeyPrefix + CacheKeys.Access(epoch, asset), user));
    }

    /// <summary>Every user's record for the asset, here and in Redis.</summary>
    public Task RevokeAsync(Guid asset)
    {
        Interlocked.Increment(ref Stripe(asset));
        _local.Remove(asset);
        var epoch = Epoch;
        return _redis.RunAsync("access-delete", db => db.KeyDeleteAsync(_options.KeyPrefix + CacheKeys.Access(epoch, asset)));
    }

    public void RevokeLocal(Guid asset)
    {
        Interlocked.Increment(ref Stripe(asset));
        _local.Remove(asset);
    }

    /// <summary>Every record of every user: a new epoch (shared through Redis when it is there).</summary>
    public async Task<long> RevokeAllAsync()
    {
        var next = Interlocked.Increment(ref _epoch);
        _local.Clear();
        var shared = await _redis.RunAsync("epoch", db => db.StringIncrementAsync(_options.KeyPrefix + CacheKeys.AccessEpoch), 0L);
        AdoptEpoch(shared);
        // Redis may be behind us (it was down while we moved on): make sure it never hands out an older epoch.
        if (shared < next)
        {
            await SyncEpochAsync();
        }
        return Epoch;
    }

    /// <summary>Another replica moved to <paramref name="epoch"/>.</summary>
    public void AdoptEpoch(long epoch)
    {
        var current = Epoch;
        while (epoch > current)
        {
            if (Interlocked.CompareExchange(ref _epoch, epoch, current) == current)
            {
                _local.Clear();
                return;
            }
            current = Epoch;
        }
    }

    /// <summary>On (re)connection: take Redis' epoch, or raise it to ours if we moved on while it was away.</summary>
    public async Task SyncEpochAsync()
    {
        const string script = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) v = tonumber(ARGV[1]) end return v";
        var epoch = Epoch;
        var result = await _redis.RunAsync("epoch", db => db.ScriptEvaluateAsync(script, [(RedisKey)(_options.KeyPrefix + CacheKeys.AccessEpoch)], [epoch]), RedisResult.Create(RedisValue.Null));
        if (!result.IsNull)
        {
            AdoptEpoch((long)result);
        }
    }

    private void RecordLocal(string user, Guid asset, long expiry)
    {
        var records = _local.GetOrCreate(asset, entry =>
        {
            entry.SlidingExpiration = _options.AccessLifetime;
            return new Records();
        })!;
        records[user] = expiry;
    }

    public void Dispose() => _local.Dispose();

    /// <summary>One asset's records: user hash → expiry (Unix milliseconds).</summary>
    private sealed class Records : ConcurrentDictionary<string, long>
    {
        public Records() : base(StringComparer.Ordinal)
        {
        }
    }
}
