using ImmichGateway.Health;

namespace ImmichGateway.Tests.Health;

public sealed class RedisTargetTests
{
    [Theory]
    [InlineData("redis:6379", "redis", 6379, false, null)]
    [InlineData("redis", "redis", 6379, false, null)]
    [InlineData("cache.example.com:6380,ssl=true,password=p@ss,abortConnect=false", "cache.example.com", 6380, true, "p@ss")]
    [InlineData("cache.example.com,ssl=True", "cache.example.com", 6380, true, null)]
    [InlineData("[::1]:7000,user=gw,password=x", "::1", 7000, false, "x")]
    public void Parse_StackExchangeRedisConnectionString_FindsEndpointAndCredentials(string connectionString, string host, int port, bool ssl, string? password)
    {
        var target = RedisHealthCheck.RedisTarget.Parse(connectionString);

        Assert.NotNull(target);
        Assert.Equal((host, port, ssl, password), (target.Host, target.Port, target.Ssl, target.Password));
    }

    [Fact]
    public void Parse_WithoutEndpoint_IsNull() => Assert.Null(RedisHealthCheck.RedisTarget.Parse("password=x,ssl=true"));
}
