package dxnet

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestParseStatusPages(t *testing.T) {
	tests := []struct {
		page page
		want Page
	}{
		{page{fixture: "cn/error-bakapiano-1.html"}, &ErrorPage{
			Header: Header{Kind: KindError, Region: maimai.CN, SiteVersion: "1.50"},
			Code:   200002, Message: "连接时间已过期。\n请于稍后重新尝试。",
		}},
		{page{fixture: "jp/error-zetarakuissue-1.html"}, &ErrorPage{
			Header: Header{Kind: KindError, Region: maimai.JP},
			Code:   100001, Message: "エラーが発生しました。\n再度ログインしてください。",
		}},
		{page{testdata: "error-intl.html"}, &ErrorPage{
			Header: Header{Kind: KindError, Region: maimai.Intl, SiteVersion: "1.60"},
			Code:   100001, Message: "An error has occurred.\nPlease log in again.",
		}},
		{page{testdata: "login-jp-segaid.html"}, &LoginPage{
			Header:  Header{Kind: KindLogin, Region: maimai.JP, SiteVersion: "1.60"},
			Message: "SEGA IDでログインしてください。",
		}},
		{page{testdata: "login-intl-sid.html"}, &LoginPage{
			Header:  Header{Kind: KindLogin, Region: maimai.Intl},
			Message: "Please agree to the terms of service before log in.",
		}},
		{page{testdata: "login-cn-wechat.html"}, &LoginPage{
			Header:  Header{Kind: KindLogin, Region: maimai.CN},
			Message: "请在微信客户端打开链接",
		}},
		{page{testdata: "maintenance-jp.html"}, &MaintenancePage{
			Header:  Header{Kind: KindMaintenance, Region: maimai.JP, SiteVersion: "1.60"},
			Message: "ただいまメンテナンス中です。\nメンテナンス時間：毎日 4:00～7:00\nしばらくお待ちください。",
		}},
		{page{testdata: "maintenance-intl.html"}, &MaintenancePage{
			Header:  Header{Kind: KindMaintenance, Region: maimai.Intl, SiteVersion: "1.60"},
			Message: "Sorry, servers are under maintenance.\nPlease try again later.",
		}},
		{page{testdata: "maintenance-cn.html"}, &MaintenancePage{
			Header:  Header{Kind: KindMaintenance, Region: maimai.CN, SiteVersion: "1.50"},
			Message: "系统维护中\n每日 4:00～7:00 为维护时间。\n请于维护结束后重新尝试。",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.page.String(), func(t *testing.T) {
			got, err := Parse(tt.page.read(t))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got.Head().IsData() {
				t.Errorf("%s page counts as data", got.Head().Kind)
			}
		})
	}
}

func TestParseErrorLayout(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		mention  string
	}{
		{"code not a number", "ERROR CODE：100001", "ERROR CODE：ABC", `"ABC"`},
		{"no code", "ERROR CODE：100001", "SOMETHING WENT WRONG", "no error code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := strings.Replace(string(readTestdata(t, "error-intl.html")), tt.old, tt.new, 1)
			p, err := Parse([]byte(b))
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("Parse = %+v, %v; want ErrLayout mentioning %q", p, err, tt.mention)
			}
		})
	}
}

// TestStatusMessagesKeepCommas: a message is split only at the page's
// <br>s. The player card's splitter, reused here, cut the CN error
// "登录失败，请重试。" into two lines at its "，".
func TestStatusMessagesKeepCommas(t *testing.T) {
	tests := []struct {
		name     string
		page     page
		old, new string
		want     string
	}{
		{"cn error", page{fixture: "cn/error-bakapiano-1.html"}, "连接时间已过期。<br>请于稍后重新尝试。", "登录失败，请重试。", "登录失败，请重试。"},
		{"cn error, two lines", page{fixture: "cn/error-bakapiano-1.html"}, "请于稍后重新尝试。", "登录失败，请重试。", "连接时间已过期。\n登录失败，请重试。"},
		{"cn maintenance", page{testdata: "maintenance-cn.html"}, "系统维护中", "系统维护中，请稍候", "系统维护中，请稍候\n每日 4:00～7:00 为维护时间。\n请于维护结束后重新尝试。"},
		{"cn login", page{testdata: "login-cn-wechat.html"}, "请在微信客户端打开链接", "请在微信客户端打开链接，然后登录", "请在微信客户端打开链接，然后登录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := string(tt.page.read(t))
			if !strings.Contains(b, tt.old) {
				t.Fatalf("%s no longer holds %q", tt.page, tt.old)
			}
			p, err := Parse([]byte(strings.Replace(b, tt.old, tt.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			var got string
			switch p := p.(type) {
			case *ErrorPage:
				got = p.Message
			case *MaintenancePage:
				got = p.Message
			case *LoginPage:
				got = p.Message
			default:
				t.Fatalf("parsed as %T", p)
			}
			if got != tt.want {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
		})
	}
}
