// The message catalogue: every string a client is shown, in DRF's zh-hans
// wording by default (section 1 of the contract) and in English.
//
// Clients see text only through Message(): errors through ErrorResponse
// (http/http.h), success bodies of the old site's coded answers through the
// handlers that build them. `{}` marks where Message() puts its argument.
//
// Thread-safety: the language is set once at start-up, before threads start.
#ifndef ZUFANG_SHARED_BASE_MESSAGES_H_
#define ZUFANG_SHARED_BASE_MESSAGES_H_

#include <string>
#include <string_view>

namespace zf {

enum class Msg {
  // Requests and routing
  kNotFound,            // 未找到。
  kInvalidPage,         // 无效页面。
  kMethodNotAllowed,    // 方法 “{}” 不被允许。
  kUnavailable,         // database or directory down
  kInternal,
  kJsonParseError,      // JSON parse error - {}
  kMultipartParseError, // Multipart form parse error - {}
  kUnsupportedMedia,    // 不支持请求中的媒体类型 “{}”。
  kBodyTooLarge,        // over {} bytes
  kUriTooLong,
  kBadEncoding,         // query or body not UTF-8
  kDataConflict,        // a write the database refused for a reason no field explains
  // Admission
  kTokenMissing,        // 请提供用户身份令牌
  kTokenInvalid,        // 无效的令牌或令牌已过期
  kPermissionDenied,    // 您没有执行该操作的权限。
  kThrottled,           // 请求超过了限速。 Expected available in {} seconds.
  kPasswordsBusy,       // too many sign-ins waiting: 503 with Retry-After
  // Field validation, as DRF's serializers word it
  kFieldRequired,       // 该字段是必填项。
  kFieldNull,           // 该字段不能为 null。
  kFieldBlank,          // 该字段不能为空。
  kNotAString,          // 不是有效的字符串。
  kNotAnInteger,        // 请填写合法的整数值。
  kNotABoolean,         // 必须是有效的布尔值。
  kMinValue,            // 确保该值大于或者等于{}。
  kMaxValue,            // 确保该值小于或者等于{}。
  kStringTooLong,       // 请确保这个字段不能超过 {} 个字符。
  kStringTooShort,      // 请确保这个字段至少包含 {} 个字符。
  kNotADict,            // 无效数据。期待为字典类型，得到的是 {} 。
  kNotAList,            // 期望为一个包含物件的列表，得到的类型是“{}”。
  kListTooLong,         // 该字段不能超过 {} 个元素。 (ListField's max_length)
  kNotANumber,          // 输入一个数字。
  kNoSuchPrimaryKey,    // 无效主键 “{}” － 对象不存在。
  kNotUnique,           // 该字段必须唯一。
  kInvalidChoice,       // 选择一个有效的选项： 该选择不在可用的选项中。
  kPatternMismatch,     // 此值与所需格式不匹配。
  kUsernameLikeLogin,   // 用户名不能是手机号码或电子邮箱。 (a user name that looks like a phone or e-mail)
  kInvalidEmail,        // 请输入合法的邮件地址。
  kStillReferenced,     // 该对象仍被房源引用，不能删除。 (a delete a foreign key refuses)
  kCannotDeleteSelf,    // 不能删除自己的账号。 (DELETE /api/users/<one's own id>/)
  // Files
  kNotAnImage,          // 上传一个有效的图片。…
  kTooManyPixels,       // 图片像素过多，最多{}像素。
  kNoFileSubmitted,     // 没有提交任何文件。或者文件超过{}字节。
  kUploadMissing,       // 未指定上传文件或文件大小超过{}字节   (code 300002)
  kUploadDone,          // 文件上传成功                         (code 300001)
  // The old site's coded answers
  kProvincesFound,      // 获取省级行政区域成功                 (code 10000)
  kLoginDone,           // 用户登录成功                         (code 200001)
  kLoginWrong,          // 用户名或密码错误                     (code 200002)
  kLoginMalformed,      // 请输入有效的登录信息                 (code 200003)
  kCaptchaWrong,        // 请输入正确的验证码                   (code 200004)
  kSmsSent,             // 短信验证码发送成功                   (code 100001)
  kSmsTooSoon,          // 请不要在120秒以内重复发送手机验证码  (code 100002)
  kSmsBadPhone,         // 请提供有效的手机号                   (code 100003)
  kSmsText,             // 您的短信验证码是{}，…                (the SMS itself)
  kSmsCodeWrong,        // 请输入有效的手机验证码
  kAccountTaken,        // 用户名、手机或邮箱已被注册
  // Article pronunciation
  kNotAChoice,          // “{}” 不是合法选项。 (DRF's ChoiceField)
  kTextTooLong,         // 文章不能超过 {} 个字符。 (413)
  kTextNotUtf8,         // 文本不是有效的 UTF-8 编码。
  kTextHasNul,          // 文本不能包含空字符（NUL）。
  // The pages the handlers render themselves (handlers/pronunciation/pages.h)
  kPageLanguage,         // the pages' lang
  kPageTitle,            // a page's <title>
  kPageSiteName,         // the header's brand
  kPageMainNav,          // the header's navigation, for screen readers
  kPageFindHomes,        // the header's link to the search
  kPronTitle,            // the pronunciation pages' title and link
  kPronCredit,           // the result page's credit
  kPronLead,             // the form's introduction
  kPronTextLabel,        // the form's text field
  kPronLimit,            // the form's limit
  kPronSpelling,         // the form's romanization choice
  kPronTailoChoice,      // a romanization
  kPronPojChoice,        // a romanization
  kPronTones,            // the form's tone choice
  kPronMarksChoice,      // a tone style
  kPronNumbersChoice,    // a tone style
  kPronSubmit,           // the form's button
  kPronSwitchLabel,      // the result's switch, for screen readers
  kPronMarks,            // the switch to tone marks
  kPronNumbers,          // the switch to tone numbers
  kPronUnknownChar,      // an unknown character's title
  kPronOtherReadings,    // a character's other readings
  kPronUnknownCount,     // the result's notice
  kPronPlainTitle,       // the plain text's heading
  kPronPlainHint,        // the plain text's hint
  kPronAnother,          // the result's link to the form
  kPronNotFoundTitle,    // the 404 page's title
  kPronNotFound,         // the 404 page's text
  kPronAnnotateOne,      // the 404 page's link to the form
  // Deposits (handlers/payments)
  kOperationSucceeded,   // 操作成功: the old site's coded success (code 100000: a deposit's url, /bar/)
  kPaymentSubject,       // 租房订金: the order's subject the gateway shows
  // Reports (handlers/reports)
  kReportListingsSheet, // the listings workbook's sheet
  kReportAgentsSheet,   // the agents workbook's sheet
  kReportColId,         // a workbook's column
  kReportColTitle,
  kReportColCity,
  kReportColCounty,
  kReportColStreet,
  kReportColType,
  kReportColArea,
  kReportColFloor,
  kReportColTotalFloor,
  kReportColDirection,
  kReportColPrice,
  kReportColPriceUnit,
  kReportColPubdate,
  kReportColSubway,
  kReportColShared,
  kReportColAgentFees,
  kReportColEstate,
  kReportColAgent,
  kReportColTags,
  kReportColName,
  kReportColTel,
  kReportColServStar,
  kReportColRealStar,
  kReportColProfStar,
  kReportColCertificated,
  kReportColEstates,
  kReportColListings,
  kReportListSeparator, // between the names of one cell
  kReportBadDistrict,   // /api/reports/stats/ given a county or an unknown district
};
// The last Msg, for tests that walk the catalogue.
constexpr Msg kLastMsg = Msg::kReportBadDistrict;

// Languages: "zh-hans" (default) and "en". Returns false for any other.
bool SetMessageLanguage(const std::string& language);
std::string Message(Msg id, std::string_view arg = {});

}  // namespace zf

#endif  // ZUFANG_SHARED_BASE_MESSAGES_H_
