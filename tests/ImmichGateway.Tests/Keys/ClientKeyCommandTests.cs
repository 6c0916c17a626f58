using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ImmichGateway.Keys;

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
}
