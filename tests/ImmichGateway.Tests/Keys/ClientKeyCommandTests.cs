using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ImmichGateway.Keys;
using Microsoft.Extensions.Configuration;

namespace ImmichGateway.Tests.Keys;

public sealed class ClientKeyCommandTests
{
    [Fact]
    public void NewClientKey_PrintsAFreshKeyItsHashAndTheSettingToPaste()
    {
        var output = new StringWriter();

        var handled = ClientKeyCommand.TryRun(["new-client-key", "bob", "tv"], output, out var exitCode);

        Assert.True(handled);
        Assert.Equal(0, exitCode);
        var text = output.ToString();
        var key = Regex.Match(text, @"igw_[A-Za-z0-9_-]{43}").Value;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.Contains($"Gateway__Users__bob__Clients__tv__KeySha256={hash}", text);
        Assert.True(ClientKeyHasher.IsWellFormedHash(hash));
    }

    [Fact]
    public void NewClientKey_TwiceGivesTwoDifferentKeys()
    {
        var first = new StringWriter();
        var second = new StringWriter();

        ClientKeyCommand.TryRun(["new-client-key"], first, out _);
        ClientKeyCommand.TryRun(["new-client-key"], second, out _);

        Assert.NotEqual(Regex.Match(first.ToString(), "igw_\\S+").Value, Regex.Match(second.ToString(), "igw_\\S+").Value);
    }

    [Fact]
    public void OtherArguments_AreNotTheCommand()
    {
        Assert.False(ClientKeyCommand.TryRun(["--urls", "http://+:8080"], TextWriter.Null, out _));
        Assert.True(ClientKeyCommand.TryRun(["new-client-key", "bad name!"], TextWriter.Null, out var exitCode));
        Assert.Equal(2, exitCode);
    }

    /// <summary>The printed environment variable, read back the way the gateway reads it, names that user's client.</summary>
    [Theory]
    [InlineData("bob", "tv")]
    [InlineData("_bob", "living-room_tv")]
    [InlineData("a_b", "x_1")]
    public void NewClientKey_ThePrintedEnvironmentVariableNamesThatUsersClient(string user, string client)
    {
        var output = new StringWriter();
        ClientKeyCommand.TryRun(["new-client-key", user, client], output, out _);
        var line = Regex.Match(output.ToString(), @"Gateway__Users__\S+=[0-9a-f]{64}").Value;
        var prefix = $"IGWTEST_{Guid.NewGuid():N}_";
        var (name, value) = (line[..line.IndexOf('=')], line[(line.IndexOf('=') + 1)..]);
        Environment.SetEnvironmentVariable(prefix + name, value);
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            Assert.Equal(value, configuration[$"Gateway:Users:{user}:Clients:{client}:KeySha256"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + name, null);
        }
    }

    /// <summary><c>bob_</c> would print <c>Users__bob___Clients</c>: user <c>bob</c>, section <c>_Clients</c>.</summary>
    [Theory]
    [InlineData("bob_", "tv")]
    [InlineData("a__b", "tv")]
    [InlineData("bob", "tv_")]
    [InlineData("bob", "t__v")]
    public void NewClientKey_RefusesNamesAnEnvironmentVariableWouldSplit(string user, string client)
    {
        var output = new StringWriter();

        Assert.True(ClientKeyCommand.TryRun(["new-client-key", user, client], output, out var exitCode));

        Assert.Equal(2, exitCode);
        Assert.Contains("'__'", output.ToString());
        Assert.DoesNotContain("igw_", output.ToString());
    }
}
