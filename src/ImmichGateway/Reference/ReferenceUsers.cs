using System.Text.Json;
using ImmichGateway.Immich;
using static ImmichGateway.Reference.ReferenceForwarding;

namespace ImmichGateway.Reference;

internal static class ReferenceUsers
{
    public static Task<IResult> CreateAsync(HttpRequest request, ImmichClient immich) =>
        ForwardJsonObjectAsync(immich, HttpMethod.Post, "api/admin/users", request);

    /// <summary>
    /// Immich v3 split the reference's one route: a user updates themselves at <c>PUT /api/users/me</c>, and only an
    /// admin reaches <c>PUT /api/admin/users/{id}</c> (an admin updating themselves goes there too: it takes more
    /// fields). So a non-admin's own profile goes to the former; anyone else's to the latter, where Immich decides.
    /// </summary>
    public static Task<IResult> UpdateAsync(Guid id, HttpRequest request, ImmichClient immich) =>
        ForwardJsonObjectAsync(immich, HttpMethod.Put, async () =>
        {
            var me = await immich.GetAsync<ImmichUser>("api/users/me", request.HttpContext.RequestAborted);
            return me.Id == id && me.IsAdmin != true ? "api/users/me" : $"api/admin/users/{id}";
        }, request);

    /// <summary>Immich answers 400 to a DELETE without a body, so the body is always sent: <c>{}</c> or <c>{"force":true}</c>.</summary>
    public static Task<IResult> DeleteAsync(Guid id, bool? force, HttpContext context, ImmichClient immich) =>
        ForwardAsync(immich, HttpMethod.Delete, $"api/admin/users/{id}",
            Json(force == true ? new { force = true } : new object()), context.RequestAborted);

    /// <summary>
    /// Immich lets a user set only their own profile image (POST /api/users/profile-image). For anyone else's the
    /// gateway answers 403 itself; there is no Immich route it could call. A body that is not multipart is refused
    /// first, before Immich is asked who the caller is.
    /// </summary>
    public static async Task<IResult> SetProfileImageAsync(Guid id, HttpRequest request, ImmichClient immich)
    {
        if (!request.HasFormContentType)
        {
            return BadRequest("Send the image as multipart/form-data in a field named 'file'.");
        }
        var cancel = request.HttpContext.RequestAborted;
        var me = (await immich.GetAsync<ImmichUser>("api/users/me", cancel)).Id;
        if (me != id)
        {
            return TypedResults.Problem("Immich lets a user set only their own profile image; this is another user's.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }
        return await ForwardAsync(immich, HttpMethod.Post, "api/users/profile-image", StreamedBody(request), cancel);
    }
}
