// Package seed fills an empty node with demonstration data: Pakistan's disaster-management
// authorities at the three tiers, one partner authority for each other SCO member state, and one
// demo user per role, so that a first `taawun serve` shows a working system.
package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// orgSpec is one demo organisation. Region is an ISO 3166 code (country or subdivision) whose
// Natural Earth outline becomes the jurisdiction; districts have none until an operator imports
// district boundaries.
type orgSpec struct {
	key, short, name, ur, ru, zh string
	country                      string
	tier                         store.Tier
	parent                       string
	region                       string
}

var orgs = []orgSpec{
	{"ndma", "NDMA", "National Disaster Management Authority", "قومی ڈیزاسٹر مینجمنٹ اتھارٹی", "Национальное управление по борьбе со стихийными бедствиями Пакистана", "巴基斯坦国家灾害管理局", "PK", store.TierNational, "", "PK"},
	{"pb", "PDMA Punjab", "Provincial Disaster Management Authority Punjab", "صوبائی ڈیزاسٹر مینجمنٹ اتھارٹی پنجاب", "Управление по ЧС провинции Пенджаб", "旁遮普省灾害管理局", "PK", store.TierProvincial, "ndma", "PK-PB"},
	{"sd", "PDMA Sindh", "Provincial Disaster Management Authority Sindh", "صوبائی ڈیزاسٹر مینجمنٹ اتھارٹی سندھ", "Управление по ЧС провинции Синд", "信德省灾害管理局", "PK", store.TierProvincial, "ndma", "PK-SD"},
	{"kp", "PDMA KP", "Provincial Disaster Management Authority Khyber Pakhtunkhwa", "صوبائی ڈیزاسٹر مینجمنٹ اتھارٹی خیبر پختونخوا", "Управление по ЧС провинции Хайбер-Пахтунхва", "开伯尔-普赫图赫瓦省灾害管理局", "PK", store.TierProvincial, "ndma", "PK-KP"},
	{"ba", "PDMA Balochistan", "Provincial Disaster Management Authority Balochistan", "صوبائی ڈیزاسٹر مینجمنٹ اتھارٹی بلوچستان", "Управление по ЧС провинции Белуджистан", "俾路支省灾害管理局", "PK", store.TierProvincial, "ndma", "PK-BA"},
	{"gb", "GBDMA", "Gilgit-Baltistan Disaster Management Authority", "گلگت بلتستان ڈیزاسٹر مینجمنٹ اتھارٹی", "Управление по ЧС Гилгит-Балтистана", "吉尔吉特-巴尔蒂斯坦灾害管理局", "PK", store.TierProvincial, "ndma", "PK-GB"},
	{"ajk", "SDMA AJK", "State Disaster Management Authority Azad Jammu and Kashmir", "اسٹیٹ ڈیزاسٹر مینجمنٹ اتھارٹی آزاد جموں و کشمیر", "Управление по ЧС Азад Джамму и Кашмира", "阿扎德查谟-克什米尔灾害管理局", "PK", store.TierProvincial, "ndma", "PK-JK"},
	{"lhr", "DDMA Lahore", "District Disaster Management Authority Lahore", "ضلعی ڈیزاسٹر مینجمنٹ اتھارٹی لاہور", "Районное управление по ЧС Лахора", "拉合尔县灾害管理局", "PK", store.TierDistrict, "pb", ""},
	{"mzg", "DDMA Muzaffargarh", "District Disaster Management Authority Muzaffargarh", "ضلعی ڈیزاسٹر مینجمنٹ اتھارٹی مظفرگڑھ", "Районное управление по ЧС Музаффаргарха", "穆扎法尔格尔县灾害管理局", "PK", store.TierDistrict, "pb", ""},
	{"ddu", "DDMA Dadu", "District Disaster Management Authority Dadu", "ضلعی ڈیزاسٹر مینجمنٹ اتھارٹی دادو", "Районное управление по ЧС Даду", "达杜县灾害管理局", "PK", store.TierDistrict, "sd", ""},
	{"swt", "DDMA Swat", "District Disaster Management Authority Swat", "ضلعی ڈیزاسٹر مینجمنٹ اتھارٹی سوات", "Районное управление по ЧС Свата", "斯瓦特县灾害管理局", "PK", store.TierDistrict, "kp", ""},
	{"chl", "DDMA Chitral", "District Disaster Management Authority Chitral", "ضلعی ڈیزاسٹر مینجمنٹ اتھارٹی چترال", "Районное управление по ЧС Читрала", "吉德拉尔县灾害管理局", "PK", store.TierDistrict, "kp", ""},
	{"hnz", "DDMA Hunza", "District Disaster Management Authority Hunza", "ضلعی ڈیزاسٹر مینجمنٹ اتھارٹی ہنزہ", "Районное управление по ЧС Хунзы", "罕萨县灾害管理局", "PK", store.TierDistrict, "gb", ""},
	{"ru", "EMERCOM", "Ministry of the Russian Federation for Civil Defence, Emergencies and Elimination of Consequences of Natural Disasters", "روسی وزارت برائے ہنگامی حالات", "МЧС России", "俄罗斯紧急情况部", "RU", store.TierNational, "", "RU"},
	{"cn", "MEM", "Ministry of Emergency Management of the People's Republic of China", "چین کی وزارت ہنگامی انتظام", "Министерство по управлению в чрезвычайных ситуациях КНР", "中华人民共和国应急管理部", "CN", store.TierNational, "", "CN"},
	{"in", "NDMA India", "National Disaster Management Authority of India", "بھارت کی قومی ڈیزاسٹر مینجمنٹ اتھارٹی", "Национальное управление по борьбе со стихийными бедствиями Индии", "印度国家灾害管理局", "IN", store.TierNational, "", "IN"},
	{"ir", "NDMO", "National Disaster Management Organization of Iran", "ایران کی قومی ڈیزاسٹر مینجمنٹ تنظیم", "Национальная организация по управлению в ЧС Ирана", "伊朗国家灾害管理组织", "IR", store.TierNational, "", "IR"},
	{"kz", "MES RK", "Ministry of Emergency Situations of the Republic of Kazakhstan", "قازقستان کی وزارت ہنگامی حالات", "МЧС Республики Казахстан", "哈萨克斯坦共和国紧急情况部", "KZ", store.TierNational, "", "KZ"},
	{"kg", "MES KR", "Ministry of Emergency Situations of the Kyrgyz Republic", "کرغزستان کی وزارت ہنگامی حالات", "МЧС Кыргызской Республики", "吉尔吉斯共和国紧急情况部", "KG", store.TierNational, "", "KG"},
	{"tj", "CoES", "Committee of Emergency Situations and Civil Defence of Tajikistan", "تاجکستان کی کمیٹی برائے ہنگامی حالات و شہری دفاع", "Комитет по ЧС и гражданской обороне Таджикистана", "塔吉克斯坦紧急情况和民防委员会", "TJ", store.TierNational, "", "TJ"},
	{"uz", "MES RUz", "Ministry of Emergency Situations of the Republic of Uzbekistan", "ازبکستان کی وزارت ہنگامی حالات", "МЧС Республики Узбекистан", "乌兹别克斯坦共和国紧急情况部", "UZ", store.TierNational, "", "UZ"},
	{"by", "MES RB", "Ministry for Emergency Situations of the Republic of Belarus", "بیلاروس کی وزارت ہنگامی حالات", "МЧС Республики Беларусь", "白俄罗斯共和国紧急情况部", "BY", store.TierNational, "", "BY"},
}

// userSpec is one demo user; every demo user shares the admin password.
type userSpec struct {
	username, display, org, role, lang string
}

var users = []userSpec{
	{"admin", "NDMA administrator", "ndma", auth.RoleAdmin, ""},
	{"duty.officer", "NEOC duty officer", "ndma", auth.RoleDutyOfficer, ""},
	{"approver", "NEOC approving officer", "ndma", auth.RoleApprover, ""},
	{"ops.punjab", "PDMA Punjab operations officer", "pb", auth.RoleOperationsOfficer, "ur"},
	{"liaison", "NDMA partner liaison", "ndma", auth.RolePartnerLiaison, ""},
	{"viewer.lahore", "DDMA Lahore viewer", "lhr", auth.RoleViewer, "ur"},
}

// Result says what was seeded.
type Result struct {
	Orgs  int
	Users []string
}

// errAlreadySeeded rolls the seeding transaction back when another server got there first.
var errAlreadySeeded = errors.New("seed: database is not empty")

// Demo seeds the demo data into an empty database and reports what it made; on a database that
// already holds organisations it does nothing and returns a zero Result.
func Demo(ctx context.Context, s store.Store, svc *auth.Service, password string) (Result, error) {
	regions, err := regionGeometries()
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = s.WithTx(ctx, func(tx store.Tx) error {
		// Recording first takes the audit-chain lock, which serialises servers seeding at once;
		// the count below then sees what another server committed.
		if err := tx.Record(ctx, store.Change{Actor: auth.SystemActor, Action: "node.seeded", EntityType: "node", EntityID: "demo"}); err != nil {
			return err
		}
		if n, err := tx.Orgs().Count(ctx); err != nil || n > 0 {
			if err == nil {
				err = errAlreadySeeded
			}
			return err
		}
		ids := map[string]string{}
		for _, spec := range orgs {
			o := store.Org{Name: spec.name, ShortName: spec.short, Country: spec.country, Tier: spec.tier, ParentID: ids[spec.parent],
				Names: map[string]string{"ur": spec.ur, "ru": spec.ru, "zh": spec.zh}, Jurisdiction: regions[spec.region]}
			if err := auth.CreateOrg(ctx, tx, auth.SystemActor, &o); err != nil {
				return fmt.Errorf("seed: %s: %w", spec.short, err)
			}
			ids[spec.key] = o.ID
		}
		for _, u := range users {
			if _, err := svc.CreateUser(ctx, tx, auth.SystemActor, auth.NewUser{Username: u.username, DisplayName: u.display,
				Password: password, OrgID: ids[u.org], Role: u.role, Language: u.lang}); err != nil {
				return fmt.Errorf("seed: user %s: %w", u.username, err)
			}
			res.Users = append(res.Users, u.username+" ("+u.role+")")
		}
		res.Orgs = len(orgs)
		return nil
	})
	if errors.Is(err, errAlreadySeeded) {
		return Result{}, nil
	}
	return res, err
}

// regionGeometries maps ISO codes of countries and provinces to GeoJSON geometries.
func regionGeometries() (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, load := range []struct {
		get  func() (*geojson.FeatureCollection, error)
		prop string
	}{{geodata.Countries, "iso_a2"}, {geodata.Provinces, "code"}} {
		fc, err := load.get()
		if err != nil {
			return nil, fmt.Errorf("seed: geography: %w", err)
		}
		for _, f := range fc.Features {
			b, err := geojson.NewGeometry(f.Geometry).MarshalJSON()
			if err != nil {
				return nil, fmt.Errorf("seed: geometry of %v: %w", f.Properties[load.prop], err)
			}
			out[f.Properties.MustString(load.prop, "")] = b
		}
	}
	return out, nil
}
