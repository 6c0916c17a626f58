using ImmichGateway.Immich;

namespace ImmichGateway.Tests.Reference;

/// <summary>What the gateway takes as an Immich id: exactly what Immich's validation takes (its 400 reports the pattern).</summary>
public sealed class ImmichUuidTests
{
    [Theory]
    [InlineData("1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa", true)]
    [InlineData("1564C2D8-8CE2-4842-A7E8-9810C8E1E8FA", true)]
    [InlineData("1564c2d8-8ce2-4842-b7e8-9810c8e1e8fa", true)]
    [InlineData("1564c2d88ce24842a7e89810c8e1e8fa", false)]        // Guid.TryParse takes it
    [InlineData("{1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa}", false)]  // and this
    [InlineData("(1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa)", false)]  // and this
    [InlineData("00000000-0000-0000-0000-000000000000", false)]    // not version 4
    [InlineData("018f3e2a-8ce2-7842-a7e8-9810c8e1e8fa", false)]    // version 7
    [InlineData("1564c2d8-8ce2-4842-c7e8-9810c8e1e8fa", false)]    // not the RFC 4122 variant
    [InlineData("1564c2d8-8ce2-4842-a7e8-9810c8e1e8f", false)]
    [InlineData("1564c2d8-8ce2-4842-a7e8-9810c8e1e8fab", false)]
    [InlineData("1564c2d8-8ce2-4842-a7e8-9810c8e1e8fg", false)]
    [InlineData("1564c2d8_8ce2-4842-a7e8-9810c8e1e8fa", false)]
    [InlineData("", false)]
    public void IsValid_IsImmichsPattern(string text, bool valid)
    {
        Assert.Equal(valid, ImmichUuid.IsValid(text));
        Assert.Equal(valid, System.Text.RegularExpressions.Regex.IsMatch(text,
            "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$")); // as Immich reports it
        Assert.Equal(valid, ImmichUuid.TryParse(text, out var id));
        Assert.Equal(valid ? Guid.Parse(text) : Guid.Empty, id);
    }
}
