#include "base/messages.h"

namespace zf {

namespace {

struct CatalogEntry {
  const char* zh_hans;
  const char* en;
};

// Indexed by Msg; keep in the enum's order.
const CatalogEntry kCatalog[] = {
    {"未找到。", "Not found."},
    {"无效页面。", "Invalid page."},
    {"方法 “{}” 不被允许。", "Method \"{}\" not allowed."},
    {"服务暂时不可用，请稍后再试。", "Service temporarily unavailable, try again later."},
    {"服务器出现了错误。", "A server error occurred."},
    {"JSON parse error - {}", "JSON parse error - {}"},
    {"Multipart form parse error - {}", "Multipart form parse error - {}"},
    {"不支持请求中的媒体类型 “{}”。", "Unsupported media type \"{}\" in request."},
    {"请求体超过了 {} 字节的上限。", "Request body exceeds the limit of {} bytes."},
    {"请求的 URI 过长。", "Request URI too long."},
    {"请求参数不是有效的 UTF-8 编码。", "Request parameters are not valid UTF-8."},
    {"请求的数据与现有数据冲突。", "The request conflicts with existing data."},
    {"请提供用户身份令牌", "Authentication token not provided."},
    {"无效的令牌或令牌已过期", "Invalid or expired token."},
    {"您没有执行该操作的权限。", "You do not have permission to perform this action."},
    {"请求超过了限速。 Expected available in {} seconds.", "Request was throttled. Expected available in {} seconds."},
    {"登录请求过多，请稍后再试。", "Too many sign-ins at once, try again later."},
    {"该字段是必填项。", "This field is required."},
    {"该字段不能为 null。", "This field may not be null."},
    {"该字段不能为空。", "This field may not be blank."},
    {"不是有效的字符串。", "Not a valid string."},
    {"请填写合法的整数值。", "A valid integer is required."},
    {"必须是有效的布尔值。", "Must be a valid boolean."},
    {"确保该值大于或者等于{}。", "Ensure this value is greater than or equal to {}."},
    {"确保该值小于或者等于{}。", "Ensure this value is less than or equal to {}."},
    {"请确保这个字段不能超过 {} 个字符。", "Ensure this field has no more than {} characters."},
    {"请确保这个字段至少包含 {} 个字符。", "Ensure this field has at least {} characters."},
    {"无效数据。期待为字典类型，得到的是 {} 。", "Invalid data. Expected a dictionary, but got {}."},
    {"期望为一个包含物件的列表，得到的类型是“{}”。", "Expected a list of items but got type \"{}\"."},
    {"该字段不能超过 {} 个元素。", "Ensure this field has no more than {} elements."},
    {"输入一个数字。", "Enter a number."},
    {"无效主键 “{}” － 对象不存在。", "Invalid pk \"{}\" - object does not exist."},
    {"该字段必须唯一。", "This field must be unique."},
    {"选择一个有效的选项： 该选择不在可用的选项中。", "Select a valid choice. That choice is not one of the available choices."},
    {"此值与所需格式不匹配。", "This value does not match the required pattern."},
    {"用户名不能是手机号码或电子邮箱。", "A user name may not be a phone number or an e-mail address."},
    {"请输入合法的邮件地址。", "Enter a valid email address."},
    {"该对象仍被房源引用，不能删除。", "This object is still used by listings and cannot be deleted."},
    {"不能删除自己的账号。", "You cannot delete your own account."},
    {"上传一个有效的图片。您所上传的文件不是图片或者是已损坏的图片。",
     "Upload a valid image. The file you uploaded was either not an image or a corrupted image."},
    {"图片像素过多，最多{}像素。", "The image has too many pixels: at most {}."},
    {"没有提交任何文件。或者文件超过{}字节。", "No file was submitted, or the file is over {} bytes."},
    {"未指定上传文件或文件大小超过{}字节", "No file given, or the file is over {} bytes"},
    {"文件上传成功", "File uploaded"},
    {"获取省级行政区域成功", "Provinces found"},
    {"用户登录成功", "Signed in"},
    {"用户名或密码错误", "Wrong user name or password"},
    {"请输入有效的登录信息", "Enter valid sign-in details"},
    {"请输入正确的验证码", "Enter the right captcha"},
    {"短信验证码发送成功", "SMS code sent"},
    {"请不要在120秒以内重复发送手机验证码", "Do not ask for another SMS code within 120 seconds"},
    {"请提供有效的手机号", "Enter a valid mobile phone number"},
    {"您的短信验证码是{}，打死也不能告诉别人哟！", "Your SMS code is {}. Never tell it to anyone!"},
    {"请输入有效的手机验证码", "Enter a valid SMS code"},
    {"用户名、手机或邮箱已被注册", "The user name, phone or e-mail is already registered"},
    {"“{}” 不是合法选项。", "\"{}\" is not a valid choice."},
    {"文章不能超过 {} 个字符。", "The text may not be longer than {} characters."},
    {"文本不是有效的 UTF-8 编码。", "The text is not valid UTF-8."},
    {"文本不能包含空字符（NUL）。", "The text may not contain NUL characters."},
    {"zh-Hans", "en"},
    {"{} - 租房网", "{} - Zufang"},
    {"租房网", "Zufang"},
    {"主导航", "Main"},
    {"找房", "Find a home"},
    {"文章标音", "Article pronunciation"},
    {"读音依据中華民國教育部《臺灣閩南語常用詞辭典》（CC BY-ND 3.0 TW）及 iTaigi 众位贡献者的词条（CC0）。台语读音为本调，未标变调。", "Readings from the Ministry of Education of the R.O.C. (Taiwan), Dictionary of Frequently-Used Taiwan Minnan (CC BY-ND 3.0 TW), and the entries of iTaigi's contributors (CC0). Citation tones: no tone sandhi is marked."},
    {"贴上一篇汉字文章，每个汉字上方标出台语（闽南语）读音。", "Paste a text in Han characters: each one is shown under its Taiwanese Hokkien reading."},
    {"文章", "Text"},
    {"最多 {} 个字符。", "At most {} characters."},
    {"拼写", "Spelling"},
    {"台罗（Tâi-lô）", "Tâi-lô"},
    {"白话字（POJ）", "Pe̍h-ōe-jī (POJ)"},
    {"声调", "Tones"},
    {"调号（â）", "Tone marks (â)"},
    {"数字（a5）", "Tone numbers (a5)"},
    {"标注读音", "Annotate"},
    {"拼写与声调", "Spelling and tones"},
    {"调号", "Marks"},
    {"数字", "Numbers"},
    {"词典未收此字", "No dictionary has this character"},
    {"又读 {}", "Also read {}"},
    {"有 {} 个汉字词典未收，标为“?”。", "{} Han characters are in no dictionary: marked \"?\"."},
    {"罗马字全文", "The text in romanization"},
    {"可直接选取复制。", "Select it to copy it."},
    {"标注另一篇文章", "Annotate another text"},
    {"文章不存在", "No such article"},
    {"这篇文章不存在，或已过了保存期限。", "This article does not exist, or its time is up."},
    {"标注一篇文章", "Annotate a text"},
    {"操作成功", "Operation succeeded"},
    {"租房订金", "Rental deposit"},
    {"房源", "Listings"},
    {"经纪人", "Agents"},
    {"编号", "ID"},
    {"标题", "Title"},
    {"城市", "City"},
    {"区县", "County"},
    {"街道", "Street"},
    {"户型", "Type"},
    {"面积(㎡)", "Area (m²)"},
    {"楼层", "Floor"},
    {"总楼层", "Floors"},
    {"朝向", "Facing"},
    {"租金", "Rent"},
    {"租金单位", "Rent unit"},
    {"发布日期", "Published"},
    {"近地铁", "Near subway"},
    {"合租", "Shared"},
    {"中介费", "Agent fees"},
    {"楼盘", "Estate"},
    {"经纪人", "Agent"},
    {"标签", "Tags"},
    {"姓名", "Name"},
    {"电话", "Phone"},
    {"服务星级", "Service stars"},
    {"真实星级", "Honesty stars"},
    {"专业星级", "Skill stars"},
    {"已认证", "Certified"},
    {"服务楼盘", "Estates served"},
    {"房源数", "Listings"},
    {"、", ", "},
    {"请选择一个省或城市", "Choose a province or a city"},
};
static_assert(sizeof(kCatalog) / sizeof(kCatalog[0]) == static_cast<size_t>(kLastMsg) + 1,
              "kCatalog must list every Msg");

bool g_english = false;

}  // namespace

bool SetMessageLanguage(const std::string& language) {
  if (language == "zh-hans") {
    g_english = false;
  } else if (language == "en") {
    g_english = true;
  } else {
    return false;
  }
  return true;
}

std::string Message(Msg id, std::string_view arg) {
  const CatalogEntry& e = kCatalog[static_cast<size_t>(id)];
  std::string text = g_english ? e.en : e.zh_hans;
  size_t at = text.find("{}");
  if (at != std::string::npos) text.replace(at, 2, arg.data(), arg.size());
  return text;
}

}  // namespace zf
