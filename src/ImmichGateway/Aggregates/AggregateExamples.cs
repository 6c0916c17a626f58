using ImmichGateway.Immich;

namespace ImmichGateway.Aggregates;

/// <summary>Sample screens for the OpenAPI document (what a client author sees before calling).</summary>
internal static class AggregateExamples
{
    private static readonly Guid Album = Guid.Parse("1001bb5e-afab-4dd6-918c-53bf41379a9d");
    private static readonly Guid Photo = Guid.Parse("1564c2d8-8ce2-4842-a7e8-9810c8e1e8fa");
    private static readonly Guid Ada = Guid.Parse("0e952b40-5820-4383-b9d3-7dc3d2aceaa6");
    private static readonly DateTimeOffset Updated = new(2026, 11, 27, 10, 56, 55, TimeSpan.Zero);

    public static readonly AlbumSummaryView AlbumSummary = new(Album, "Summer Trip 2025", "Recorded dataset album", 4,
        new(2025, 1, 11, 0, 0, 0, TimeSpan.Zero), new(2025, 2, 14, 0, 0, 0, TimeSpan.Zero), "Ada Admin", 2, true, AssetUrls.Thumbnail(Photo), Updated);

    public static readonly AssetTileView Tile = new(Photo, "IMAGE", 64, 48, 1.3333, new(2025, 1, 11, 10, 21, 0, TimeSpan.Zero), true, null,
        "IQgKBYB9SIcOkJcnnWeodwAAAAAA", AssetUrls.Thumbnail(Photo), AssetUrls.Preview(Photo), AssetUrls.Original(Photo));

    public static readonly AlbumView AlbumScreen = new(Album, "Summer Trip 2025", "Recorded dataset album", 4,
        AlbumSummary.StartDate, AlbumSummary.EndDate, true, true, Updated, AssetUrls.Thumbnail(Photo), new PersonView(Ada, "Ada Admin"),
        [new(Ada, "Ada Admin", "owner"), new(Guid.Parse("72650179-b1ca-458d-8ac9-f1fa32814fa0"), "Alice Liddell", "editor")],
        new ActivityStatisticsView(1, 1), [Tile], "MjoyMDA", []);

    public static readonly OverviewView Overview = new("Alice Liddell", false, new ImmichAssetStatistics(5, 0, 5),
        new ImmichAlbumStatistics(0, 1, 0), [AlbumSummary], null, []);

    public static readonly AssetDetailView AssetScreen = new(Tile, "IMG_0001.jpg", "image/jpeg", "timeline", false,
        new ExifView("RecCam", "RecCam Model 2", null, null, null, null, null, null, null, null, null, null, null,
            new(2025, 1, 11, 10, 21, 0, TimeSpan.Zero), 503, null),
        [], [], [new AssetAlbumView(Album, "Summer Trip 2025", true,
            [new ActivityView(Guid.Parse("092118f3-e0f9-4b07-bc99-5e83b5638588"), "comment", "Great shot!", Updated, new PersonView(Guid.Parse("72650179-b1ca-458d-8ac9-f1fa32814fa0"), "Alice Liddell"))])],
        []);

    public static readonly IReadOnlyDictionary<Type, object> ByType = new Dictionary<Type, object>
    {
        [typeof(AlbumSummaryView)] = AlbumSummary,
        [typeof(AlbumView)] = AlbumScreen,
        [typeof(AssetTileView)] = Tile,
        [typeof(AssetDetailView)] = AssetScreen,
        [typeof(OverviewView)] = Overview,
    };
}
