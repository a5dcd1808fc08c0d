using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Admin;

/// <summary>
/// Bearer-token check for /admin: 401 (with a challenge) without credentials, 403 with the
/// wrong ones. Compared in constant time over SHA-256 digests so neither the token's
/// content nor its length leaks through timing.
/// </summary>
internal sealed class AdminAuthorization(string token) : IEndpointFilter
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"feedproxy-admin\"";
            return TypedResults.Problem("Send 'Authorization: Bearer <admin token>'.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim()));
        if (!CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            return TypedResults.Problem("The admin token is not valid.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        return await next(context);
    }
}
