namespace ImmichGateway.Scopes;

/// <summary>Settings of client scopes (section <c>Gateway:Scopes</c>).</summary>
internal sealed class ScopeOptions
{
    public const string SectionName = "Gateway:Scopes";

    /// <summary>How long the answer to "is this asset in one of the client's albums?" is kept (per user and asset).</summary>
    public TimeSpan MembershipCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
