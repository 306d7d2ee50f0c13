# 页面框架与各页共用的文字。
lang-name = 中文
skip-to-content = 跳到正文
brand-tagline = 美国小企业好物，直邮中国
nav-label = 主导航
nav-home = 首页
nav-cart = 购物车
nav-orders = 我的订单
nav-identity = 实名认证
nav-login = 登录
nav-signup = 注册
nav-logout = 退出登录
search-label = 搜索商品
search-placeholder = 蜂蜜、枫糖浆、牛肉干……
search-button = 搜索
footer-about = Gateway 在中国跨境电商零售进口政策下，把美国的小企业和农场与中国大陆的消费者连接起来。
footer-prices = 价格以人民币计，已含运费、进口增值税、消费税和关税。
price-tax-included = 含税
price-unavailable = 暂无价格
grams = { $grams } 克
unit-g = 克
unit-ml = 毫升
unit-piece = 件
country-US = 美国
country-other = 其他国家

# A form control that may be left blank, beside its label.
form-optional = （选填）
